package dev.localbuild.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code localbuild.jar} as a user would, in its own JVM. */
final class LocalbuildProcess {
  static final Path JAR = Path.of("target/localbuild.jar").toAbsolutePath();
  static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  /** Whether this JVM was started with SIGINT ignored (its children inherit that). */
  static final boolean SIGINT_IGNORED = sigintIgnored();

  private static boolean sigintIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: nothing to undo
    }
    return false;
  }

  final Process process;
  final Path stdout;
  final Path stderr;

  private LocalbuildProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static LocalbuildProcess start(Path workDir, Path home, String... args) throws IOException {
    return start(workDir, home, java.util.Map.of(), args);
  }

  static LocalbuildProcess start(
      Path workDir, Path home, java.util.Map<String, String> env, String... args)
      throws IOException {
    return start(List.of(), workDir, home, env, args);
  }

  /**
   * localbuild run under {@code prefix} (such as {@code ip netns exec NAME}), which must exec it:
   * the process is localbuild's, for its signals.
   */
  static LocalbuildProcess start(
      List<String> prefix,
      Path workDir,
      Path home,
      java.util.Map<String, String> env,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    if (SIGINT_IGNORED) {
      // started in the background by a non-interactive shell, this JVM (and so the build's) has
      // SIGINT ignored, and a JVM that starts so never sees Ctrl-C; a user's terminal delivers it
      cmd.addAll(
          List.of(
              "python3",
              "-c",
              "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                  + " os.execvp(sys.argv[1], sys.argv[1:])"));
    }
    cmd.addAll(List.of(JAVA, "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(home.getParent(), "stdout", ".txt");
    Path err = Files.createTempFile(home.getParent(), "stderr", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("LOCALBUILD_HOME", home.toString());
    pb.environment().putAll(env);
    return new LocalbuildProcess(pb.start(), out, err);
  }

  int waitFor() throws InterruptedException {
    return waitFor(3);
  }

  int waitFor(int minutes) throws InterruptedException {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("localbuild did not finish");
    }
    return process.exitValue();
  }

  String out() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String err() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }
}
