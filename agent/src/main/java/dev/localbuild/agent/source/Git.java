package dev.localbuild.agent.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the git binary, one way for every caller: in a directory, with nothing on stdin and no
 * terminal prompt (a private repository fails its fetch instead of waiting for a password nobody
 * will type), stdout and stderr read apart (a warning is not output), within a time limit.
 */
public final class Git {
  private Git() {}

  /**
   * What git did.
   *
   * @param exit its exit status
   * @param out its stdout, as bytes (NUL-separated lists are not text)
   * @param err its stderr
   */
  public record Result(int exit, byte[] out, String err) {
    public boolean ok() {
      return exit == 0;
    }

    public String text() {
      return new String(out, StandardCharsets.UTF_8);
    }

    /** What a failure says: git's first lines of stderr, else of stdout. */
    public String why() {
      String e = err.strip();
      return e.isEmpty() ? text().strip() : e;
    }
  }

  /**
   * Runs {@code git args...} in {@code dir}.
   *
   * @throws IOException when git cannot be started (not installed) or takes longer than {@code
   *     limit} (it is killed)
   */
  public static Result run(Path dir, Duration limit, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "advice.detachedHead=false"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run git (is it installed?): " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain =
          Thread.ofPlatform() // not virtual: see DiskQuota.learnInBackground
              .daemon()
              .start(() -> {
                try (InputStream in = p.getErrorStream()) {
                  in.transferTo(err);
                } catch (IOException ignored) {
                  // what git said is lost: its exit status still says it failed
                }
              });
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("git " + args[0] + " took longer than " + words(limit));
      }
      drain.join();
      return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static String words(Duration d) {
    return d.toMinutes() >= 1 ? d.toMinutes() + " minute(s)" : d.toSeconds() + " s";
  }
}
