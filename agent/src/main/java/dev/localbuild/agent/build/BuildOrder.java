package dev.localbuild.agent.build;

import dev.localbuild.agent.debug.DebugHooks;
import dev.localbuild.agent.project.ProjectConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to build, the same whoever asks: a project's settings and StartBuild's overrides, in
 * CodeBuild's terms and no command-line flag's. {@code localbuild run} maps its flags to one, the
 * server maps a StartBuild request to one; both hand it to {@link BuildLauncher}.
 *
 * @param project the project's settings; null for a build without one (a directory and its
 *     buildspec)
 * @param projectName the project name when there is no project (null: from the source directory)
 * @param sourceDirectory the primary source as a directory on this machine (StartBuild's
 *     sourceLocationOverride); null for the project's source, fetched in DOWNLOAD_SOURCE
 * @param secondarySourceDirectories secondary sources as directories on this machine, by
 *     identifier; the project's others are fetched
 * @param sourceVersion the version of the project's primary source to build (null: the project's)
 * @param buildspecOverride a buildspec file (absolute, or relative to the source) or the buildspec
 *     itself, as StartBuild's buildspecOverride; null for the project's or {@code buildspec.yml}
 * @param environmentVariablesOverride variables that win over the project's and the buildspec's,
 *     with their types (PLAINTEXT, PARAMETER_STORE, SECRETS_MANAGER)
 * @param imageOverride the image (null: the project's, else localbuild's standard image)
 * @param privilegedModeOverride privileged mode (null: the project's)
 * @param timeoutOverride the build timeout (null: the project's, else 60 minutes)
 * @param cacheOverride the cache (null: the project's, else the buildspec's kept on this machine)
 * @param artifactsDirectory where artifacts are kept on this machine (null: the state directory)
 * @param reportsDirectory where reports are kept on this machine (null: the state directory)
 * @param region the region the build's ARNs and AWS calls name
 * @param initiator who started the build
 * @param host what this host adds to a build: registry mirror, cache-from images, trust
 */
public record BuildOrder(
    @Nullable ProjectConfig project,
    @Nullable String projectName,
    @Nullable Path sourceDirectory,
    Map<String, Path> secondarySourceDirectories,
    @Nullable String sourceVersion,
    @Nullable String buildspecOverride,
    List<ProjectConfig.Variable> environmentVariablesOverride,
    @Nullable String imageOverride,
    @Nullable Boolean privilegedModeOverride,
    @Nullable Duration timeoutOverride,
    ProjectConfig.@Nullable Cache cacheOverride,
    @Nullable Path artifactsDirectory,
    @Nullable Path reportsDirectory,
    String region,
    String initiator,
    Host host) {
  public BuildOrder {
    secondarySourceDirectories = Map.copyOf(secondarySourceDirectories);
    environmentVariablesOverride = List.copyOf(environmentVariablesOverride);
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(initiator, "initiator");
    Objects.requireNonNull(host, "host");
  }

  /** The same build, with what this host adds replaced. */
  public BuildOrder withHost(Host other) {
    return new BuildOrder(
        project,
        projectName,
        sourceDirectory,
        secondarySourceDirectories,
        sourceVersion,
        buildspecOverride,
        environmentVariablesOverride,
        imageOverride,
        privilegedModeOverride,
        timeoutOverride,
        cacheOverride,
        artifactsDirectory,
        reportsDirectory,
        region,
        initiator,
        other);
  }

  /**
   * What this host adds to a build, beyond CodeBuild's settings.
   *
   * @param cacheFrom images the build's {@code docker build}s may reuse layers from
   * @param registryMirror a Docker Hub mirror for the build's daemon (null: the project's)
   * @param untrusted a stranger's buildspec: no AWS, no secrets, no privileged mode, caches read
   *     but never written
   * @param imageFallback run on the standard image when a curated image is not on this machine
   * @param includeUntracked a git work tree's untracked files are copied too (else only what git
   *     tracks, as a clone would have it)
   * @param debug where the build pauses for a person's shell (run --debug, --debug-on-failure)
   * @param batchIdentifier the build's identifier in a batch ({@code run --batch}), or null
   * @param batchComputeType the compute type the batch gives the build, or null for the project's
   * @param breakpoints who holds the build at its breakpoints (a sandbox session), or null
   */
  public record Host(
      List<String> cacheFrom,
      @Nullable String registryMirror,
      boolean untrusted,
      boolean imageFallback,
      boolean includeUntracked,
      DebugHooks.Debug debug,
      @Nullable String batchIdentifier,
      @Nullable String batchComputeType,
      @Nullable Breakpoints breakpoints) {
    public static final Host NONE = new Host(List.of(), null, false, false, false);

    public Host {
      cacheFrom = List.copyOf(cacheFrom);
      Objects.requireNonNull(debug, "debug");
    }

    /** Without pauses: the server's builds, and runs without --debug. */
    public Host(
        List<String> cacheFrom,
        @Nullable String registryMirror,
        boolean untrusted,
        boolean imageFallback,
        boolean includeUntracked) {
      this(
          cacheFrom,
          registryMirror,
          untrusted,
          imageFallback,
          includeUntracked,
          DebugHooks.Debug.NONE,
          null,
          null,
          null);
    }

    /**
     * The same, as a batch's build, on the compute type the batch gives it (null: the project's).
     */
    public Host inBatch(String identifier, @Nullable String computeType) {
      return new Host(
          cacheFrom,
          registryMirror,
          untrusted,
          imageFallback,
          includeUntracked,
          debug,
          identifier,
          computeType,
          breakpoints);
    }

    /** The same, held at its breakpoints by {@code holder} (a sandbox session). */
    public Host heldBy(Breakpoints holder) {
      return new Host(
          cacheFrom,
          registryMirror,
          untrusted,
          imageFallback,
          includeUntracked,
          debug,
          batchIdentifier,
          batchComputeType,
          holder);
    }
  }
}
