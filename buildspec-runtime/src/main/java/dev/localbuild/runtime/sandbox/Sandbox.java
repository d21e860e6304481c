package dev.localbuild.runtime.sandbox;

import dev.localbuild.runtime.shell.ShellSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where one build runs: a container, or a scratch directory on this machine. It holds the source,
 * runs the build's shell, and is removed with everything in it when the build ends.
 */
public interface Sandbox extends AutoCloseable {
  /** {@code CODEBUILD_SRC_DIR}: the primary source inside the sandbox. */
  String sourceDir();

  /** {@code CODEBUILD_SRC_DIR_<id>}: the secondary sources, by identifier. */
  Map<String, String> secondarySourceDirs();

  /** The supervisor's directory (CodeBuild's {@code /codebuild/output/tmp}). */
  String shellDir();

  /** Where the buildspec is, as a command would name it ({@code YAML location is ...}). */
  String buildspecLocation();

  /** The shell that runs the build's commands; started. */
  ShellSession shell();

  /**
   * How a person's terminal gets a program run inside the sandbox: the command line to put before
   * it ({@code docker exec -it <container>} for a container, nothing on this machine).
   */
  default java.util.List<String> terminalPrefix() {
    return java.util.List.of();
  }

  /**
   * Puts sources fetched in DOWNLOAD_SOURCE where the build finds them: each directory's tree into
   * {@link #sourceDir()} (key {@code ""}) or the secondary source's directory (its identifier).
   */
  void receiveSources(Map<String, Path> directories) throws IOException, InterruptedException;

  /** The sandbox's files. */
  Workspace workspace();

  /** Environment variables the sandbox itself needs set (e.g. {@code DOCKER_HOST}). */
  Map<String, String> variables();

  /**
   * Why the sandbox stopped on its own, if it did: the container ran out of memory, its main
   * process exited. Asked when the shell went away in the middle of a command.
   */
  Optional<String> diagnoseDeath();

  /** Stops everything running in the sandbox at once (timeout, stop). Safe from any thread. */
  void kill();

  /** Removes the sandbox and everything it made; never throws. */
  @Override
  void close();
}
