package dev.localbuild.runtime.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Supervisor} running as a process on this machine, wired to a {@link ShellSession}: the
 * host executor's shell. It runs in a session of its own (where {@code setsid} exists), so killing
 * it kills its whole process group: background processes of the build too, which outlive the
 * command that started them and are no longer the supervisor's descendants. Only a process that
 * made itself a new session escapes, as it would from a terminal.
 */
public final class LocalShell implements AutoCloseable {
  private static final Path SETSID = findSetsid();

  private final Process process;
  private final ShellSession session;
  private final boolean ownGroup;

  private LocalShell(Process process, ShellSession session, boolean ownGroup) {
    this.process = process;
    this.session = session;
    this.ownGroup = ownGroup;
  }

  private static Path findSetsid() {
    for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
      Path p = Path.of(dir, "setsid");
      if (java.nio.file.Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Starts a supervisor.
   *
   * @param dir the supervisor's directory (created)
   * @param workDir where the process starts
   * @param environment the process's whole environment
   * @param lines receives the commands' output
   */
  public static LocalShell start(
      Path dir, Path workDir, Map<String, String> environment, Consumer<OutputLine> lines)
      throws IOException {
    String token = Supervisor.newToken();
    String script = Supervisor.script(token, dir.toString(), environment.getOrDefault("HOME", "/"));
    ProcessBuilder pb =
        SETSID != null
            ? new ProcessBuilder(SETSID.toString(), "sh", "-c", script)
            : new ProcessBuilder("sh", "-c", script);
    pb.directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process p = pb.start();
    ShellSession session = new ShellSession(token, p.getOutputStream(), lines);
    pump(p.getInputStream(), OutputLine.Stream.STDOUT, session, "stdout");
    pump(p.getErrorStream(), OutputLine.Stream.STDERR, session, "stderr");
    p.onExit()
        .thenRun(() -> session.closed("the build shell exited with status " + p.exitValue(), null));
    return new LocalShell(p, session, SETSID != null);
  }

  private static void pump(
      InputStream in, OutputLine.Stream stream, ShellSession session, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  session.accept(stream, buf, 0, n);
                }
              } catch (IOException e) {
                // the process is gone; onExit reports it
              }
            },
            "localbuild-shell-" + name);
    t.setDaemon(true);
    t.start();
  }

  public ShellSession session() {
    return session;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Kills the supervisor and everything it started. */
  public void kill() {
    if (ownGroup) {
      try {
        new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        // fall back to the descendants below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // processes started after the first sweep, while we were killing
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public void close() {
    kill();
  }
}
