package dev.localbuild.agent.source;

import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.SourceFetcher;
import dev.localbuild.runtime.SourceInfo;
import dev.localbuild.runtime.model.BuildIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A project's git sources, fetched in DOWNLOAD_SOURCE: a repository or version that is not there
 * fails that phase with CLIENT_ERROR, in a build that has an id and a record, as in CodeBuild.
 */
public final class GitSourceFetcher implements SourceFetcher {
  /**
   * One source to fetch.
   *
   * @param identifier {@code ""} for the primary source, else its sourceIdentifier
   * @param info the source as the build record names it (its resolved version filled in on fetch)
   * @param location the repository
   * @param version branch, tag, commit or {@code refs/...}; null for the remote's HEAD
   * @param depth git clone depth, 0 for the whole history
   * @param cacheKey the source cache's entry, null without LOCAL_SOURCE_CACHE
   * @param scratch where an uncached clone goes
   */
  public record Planned(
      String identifier,
      SourceInfo info,
      String location,
      @Nullable String version,
      int depth,
      @Nullable String cacheKey,
      Path scratch) {}

  private final GitSources git;
  private final List<Planned> planned;
  private final SourceInfo primary;
  private final List<SourceInfo> secondary;
  private final BuildspecSource buildspec;
  private final Consumer<String> notices;

  /**
   * @param git fetches, through the source cache
   * @param planned the sources to fetch
   * @param primary the primary source (replaced by its planned fetch, if it has one)
   * @param secondary the secondary sources, likewise
   * @param buildspec the buildspec; one in the primary source is read from where it was fetched
   * @param notices the agent's own progress, outside the build's log
   */
  public GitSourceFetcher(
      GitSources git,
      List<Planned> planned,
      SourceInfo primary,
      List<SourceInfo> secondary,
      BuildspecSource buildspec,
      Consumer<String> notices) {
    this.git = git;
    this.planned = List.copyOf(planned);
    this.primary = primary;
    this.secondary = List.copyOf(secondary);
    this.buildspec = buildspec;
    this.notices = notices;
  }

  @Override
  public Fetched fetch(BuildIdentity build, Consumer<String> log)
      throws SourceException, InterruptedException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    Map<String, SourceInfo> infos = new LinkedHashMap<>();
    for (Planned p : planned) {
      GitSources.Fetched f;
      try {
        f = git.fetch(p.location(), p.version(), p.depth(), p.cacheKey(), p.scratch());
      } catch (GitSources.GitException e) {
        throw new SourceException(message(p, e.getMessage()));
      }
      notices.accept(
          "source "
              + p.location()
              + (p.version() == null ? "" : " " + p.version())
              + (f.fromCache()
                  ? ": fetched incrementally into the source cache"
                  : p.cacheKey() != null ? ": cloned into the source cache" : ": cloned"));
      dirs.put(p.identifier(), f.dir());
      String commit = GitInfo.read(f.dir()).map(GitInfo::commit).orElse(null);
      SourceInfo i = p.info();
      infos.put(
          p.identifier(),
          new SourceInfo(
              i.identifier(), i.type(), i.location(), i.sourceVersion(), commit, i.repoUrl()));
    }
    List<SourceInfo> secondaries = new ArrayList<>();
    for (SourceInfo s : secondary) {
      secondaries.add(infos.getOrDefault(s.identifier(), s));
    }
    BuildspecSource spec = buildspec;
    Path primaryDir = dirs.get("");
    if (primaryDir != null && buildspec.pathInSource() != null) {
      spec =
          BuildspecSource.file(
              primaryDir.resolve(buildspec.pathInSource()), buildspec.pathInSource());
    }
    return new Fetched(infos.getOrDefault("", primary), secondaries, dirs, spec);
  }

  /**
   * CodeBuild's words for a source it cannot download, followed by git's own: which of the
   * repository, the version or the credentials was wrong is what the user needs to know.
   */
  static String message(Planned p, String gitOutput) {
    String lower = gitOutput.toLowerCase(Locale.ROOT);
    String reason;
    if (lower.contains("couldn't find remote ref")
        || lower.contains("not our ref")
        || lower.contains("unknown revision")) {
      reason = "reference not found";
    } else if (lower.contains("authentication")
        || lower.contains("could not read username")
        || lower.contains("terminal prompts disabled")) {
      reason = "authentication required";
    } else if (lower.contains("not found")
        || lower.contains("does not exist")
        || lower.contains("does not appear to be a git repository")) {
      reason = "repository not found";
    } else {
      reason = "unable to fetch the repository";
    }
    String which =
        p.identifier().isEmpty() ? "primary source" : "secondary source " + p.identifier();
    String lastLine = gitOutput.strip();
    int nl = lastLine.lastIndexOf('\n');
    lastLine = nl >= 0 ? lastLine.substring(nl + 1) : lastLine;
    return reason
        + " for "
        + which
        + " and source version "
        + (p.version() == null ? "HEAD" : p.version())
        + ": "
        + lastLine;
  }
}
