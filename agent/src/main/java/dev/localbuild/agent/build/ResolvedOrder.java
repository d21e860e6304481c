package dev.localbuild.agent.build;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.SourceFetcher;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An order with every precedence applied: the request the engine runs, and what this host needs to
 * run it.
 *
 * @param request what the engine runs
 * @param source the primary source's directory on this machine (empty until fetched, when {@code
 *     fetcher} fetches it)
 * @param secondary the secondary sources' directories, likewise
 * @param fetcher fetches the project's git sources in DOWNLOAD_SOURCE; null when all are here
 * @param region the build's region
 * @param initiator who started it
 * @param image the image it runs on
 * @param cache its cache
 * @param extensions what this host adds (registry mirror, cache-from, registry logins)
 * @param notes what the user should know before the build (said once, outside its log)
 * @param project the project, null without one
 * @param artifactsDirectory where artifacts go (null: the state directory)
 * @param reportsDirectory where reports go (null: the state directory)
 * @param untrusted a stranger's buildspec
 * @param imageFallback run on the standard image when a curated image is missing
 */
public record ResolvedOrder(
    BuildRequest request,
    Path source,
    SourceFiles sourceFiles,
    Map<String, Path> secondary,
    @Nullable SourceFetcher fetcher,
    String region,
    String initiator,
    String image,
    ProjectConfig.Cache cache,
    ProjectConfig.Extensions extensions,
    List<String> notes,
    @Nullable ProjectConfig project,
    @Nullable Path artifactsDirectory,
    @Nullable Path reportsDirectory,
    boolean untrusted,
    boolean imageFallback,
    dev.localbuild.agent.debug.DebugHooks.Debug debug) {}
