package dev.localbuild.agent.record;

import dev.localbuild.cache.FileLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Per-project build counters, like CodeBuild's {@code buildNumber}: 1, 2, 3... across runs and
 * across processes (a lock of this JVM, then of the file, serialises concurrent builds of one
 * project).
 */
public final class BuildNumbers implements BuildNumbering {
  private final Path dir;

  public BuildNumbers(Path stateDir) {
    this.dir = stateDir.resolve("projects");
  }

  @Override
  public long next(String project) {
    Path file = dir.resolve(project).resolve("build-number");
    try {
      return FileLocks.locked(
          file,
          ch -> {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String text =
                new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            long next = text.isEmpty() ? 1 : Long.parseLong(text) + 1;
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            return next;
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update the build counter " + file, e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "the build counter " + file + " is corrupt; delete it to start again from 1", e);
    }
  }
}
