package dev.localbuild.agent.docker;

import dev.localbuild.runtime.shell.ShellClosedException;
import dev.localbuild.runtime.shell.ShellSession;
import java.util.Base64;

/**
 * A small source into a started build container through its own shell, instead of the engine's
 * archive API: the engine extracts an archive in a helper process of its own, about 0.15 s even for
 * one file, where a few KiB through the shell take milliseconds. The shell reads its input a byte
 * at a time, so this is for sources of a few KiB only ({@link #LIMIT}); an image without {@code
 * base64} or {@code tar} gets the archive API instead.
 */
final class SourcePipe {
  /** The largest tar sent this way. */
  static final int LIMIT = 16 * 1024;

  private SourcePipe() {}

  /**
   * Unpacks a tar (rooted at {@code /}) in the container.
   *
   * @return false when the image cannot (no base64 or tar) or the unpacking failed: copy it the
   *     other way
   */
  static boolean send(ShellSession shell, byte[] tar)
      throws InterruptedException, java.io.IOException {
    String data = Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(tar);
    String script =
        "command -v base64 >/dev/null 2>&1 && command -v tar >/dev/null 2>&1 || exit 127\n"
            + "{ base64 -d | tar -xf - -C /; } 2>&1 <<'LOCALBUILD_SOURCE'\n"
            + data
            + "\nLOCALBUILD_SOURCE\n";
    try {
      return shell.captureResult("sh", script).exitCode() == 0;
    } catch (ShellClosedException e) {
      throw new java.io.IOException(
          "its shell ended while the source was put in: " + e.getMessage(), e);
    }
  }
}
