package dev.localbuild.runtime.sandbox;

import dev.localbuild.runtime.shell.LocalShell;
import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellSession;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A sandbox that is a directory on this machine: the build's shell is a local process and its files
 * are local files (the host executor). The directory is deleted on close unless it is kept for
 * inspection.
 */
public final class LocalSandbox implements Sandbox {
  private final Path root;
  private final Path sourceDir;
  private final Map<String, String> secondary;
  private final String buildspecLocation;
  private final Map<String, String> variables;
  private final LocalShell shell;
  private final LocalWorkspace workspace = new LocalWorkspace();
  private final boolean deleteOnClose;

  /**
   * Starts the sandbox's shell.
   *
   * @param root the sandbox directory; the shell keeps its state in {@code root/tmp}
   * @param sourceDir the primary source, usually under root
   * @param secondary secondary source directories by identifier
   * @param buildspecLocation what {@code YAML location is} shows
   * @param environment the shell process's environment
   * @param output receives command output
   * @param deleteOnClose whether close removes {@code root}
   */
  public LocalSandbox(
      Path root,
      Path sourceDir,
      Map<String, Path> secondary,
      String buildspecLocation,
      Map<String, String> environment,
      Consumer<OutputLine> output,
      boolean deleteOnClose)
      throws IOException {
    this(
        root,
        sourceDir,
        secondary,
        buildspecLocation,
        environment,
        output,
        deleteOnClose,
        Map.of());
  }

  /**
   * Starts the sandbox's shell, with variables the build gets on top of CodeBuild's (a credentials
   * endpoint, say).
   */
  public LocalSandbox(
      Path root,
      Path sourceDir,
      Map<String, Path> secondary,
      String buildspecLocation,
      Map<String, String> environment,
      Consumer<OutputLine> output,
      boolean deleteOnClose,
      Map<String, String> extraVariables)
      throws IOException {
    this.root = root;
    this.sourceDir = sourceDir;
    this.secondary = new LinkedHashMap<>();
    secondary.forEach((k, v) -> this.secondary.put(k, v.toString()));
    this.buildspecLocation = buildspecLocation;
    Map<String, String> vars = new LinkedHashMap<>(extraVariables);
    vars.put("HOME", environment.getOrDefault("HOME", root.toString()));
    this.variables = Map.copyOf(vars);
    this.deleteOnClose = deleteOnClose;
    this.shell = LocalShell.start(root.resolve("tmp"), sourceDir, environment, output);
  }

  @Override
  public String sourceDir() {
    return sourceDir.toString();
  }

  @Override
  public Map<String, String> secondarySourceDirs() {
    return secondary;
  }

  @Override
  public void receiveSources(Map<String, Path> directories) throws IOException {
    for (var e : directories.entrySet()) {
      Path target = Path.of(e.getKey().isEmpty() ? sourceDir() : secondary.get(e.getKey()));
      if (!Files.isSameFile(e.getValue(), target)) {
        TreeCopy.copy(e.getValue(), target);
      }
    }
  }

  @Override
  public String shellDir() {
    return root.resolve("tmp").toString();
  }

  @Override
  public String buildspecLocation() {
    return buildspecLocation;
  }

  @Override
  public ShellSession shell() {
    return shell.session();
  }

  @Override
  public Workspace workspace() {
    return workspace;
  }

  @Override
  public Map<String, String> variables() {
    return variables;
  }

  @Override
  public Optional<String> diagnoseDeath() {
    return shell.alive() ? Optional.empty() : Optional.of("The build's shell process was killed.");
  }

  @Override
  public void kill() {
    shell.kill();
  }

  @Override
  public void close() {
    shell.close();
    if (deleteOnClose) {
      deleteTree(root);
    }
  }

  /** Deletes a directory tree, making read-only directories writable first; never throws. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              dir.toFile().setWritable(true, true);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // best effort: a leftover scratch directory is not worth failing a build for
    }
  }
}
