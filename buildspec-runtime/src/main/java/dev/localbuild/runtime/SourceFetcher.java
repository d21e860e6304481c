package dev.localbuild.runtime;

import dev.localbuild.runtime.model.BuildIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Brings a build's sources onto this machine, in DOWNLOAD_SOURCE, as CodeBuild clones in that
 * phase: a source that cannot be fetched is a FAILED phase (CLIENT_ERROR) of a build that already
 * has an id and a record, not an error before the build exists.
 */
public interface SourceFetcher {
  /**
   * Fetches the sources.
   *
   * @param build the build
   * @param log the agent's lines in the build's log
   * @return where the sources are now and what was fetched
   * @throws SourceException when a source cannot be fetched (the user's error: CLIENT_ERROR)
   */
  Fetched fetch(BuildIdentity build, Consumer<String> log)
      throws SourceException, InterruptedException;

  /**
   * What a fetch gave.
   *
   * @param primary the primary source, with the commit fetched as its resolved version
   * @param secondary the secondary sources, likewise
   * @param directories where each source now is on this machine: {@code ""} for the primary, else
   *     the source identifier
   * @param buildspec the buildspec, now that the source it is in is here
   */
  record Fetched(
      SourceInfo primary,
      List<SourceInfo> secondary,
      Map<String, Path> directories,
      BuildspecSource buildspec) {
    public Fetched {
      secondary = List.copyOf(secondary);
      directories = Map.copyOf(directories);
    }
  }

  /** A source that cannot be fetched: its message is the phase context's. */
  final class SourceException extends Exception {
    public SourceException(String message) {
      super(message);
    }
  }
}
