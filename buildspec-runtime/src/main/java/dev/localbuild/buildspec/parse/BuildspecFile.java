package dev.localbuild.buildspec.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads a buildspec file as a stranger may have made it: a symlink out of the source, to {@code
 * /dev/zero} or to a FIFO is refused before a byte is read, and no more than {@link #MAX_BYTES} are
 * ever read, so a hostile source can neither exhaust the agent's memory nor hang it.
 */
public final class BuildspecFile {
  /**
   * The largest buildspec read: far above any real one (the largest of the 143 in the corpus is
   * under 20 KB), far below what would trouble the agent.
   */
  public static final int MAX_BYTES = 1 << 20;

  private BuildspecFile() {}

  /**
   * The file's text.
   *
   * @param root the source directory the file must resolve inside (after symlinks), or null for a
   *     buildspec given apart from the source (the user's own file)
   * @throws BuildspecException CodeBuild's YAML_FILE_ERROR with what is wrong
   */
  public static String read(Path file, @Nullable Path root) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new BuildspecException(file.toString(), 0, "", "YAML file does not exist");
    } catch (IOException e) {
      throw error(file, "cannot read the buildspec: " + e.getMessage());
    }
    try {
      if (root != null && !real.startsWith(root.toRealPath())) {
        throw error(file, "the buildspec is a link to " + real + ", outside the source");
      }
    } catch (IOException e) {
      throw error(file, "cannot read the source directory: " + e.getMessage());
    }
    // a FIFO would block the read forever, a device would never end: only regular files
    if (!Files.isRegularFile(real)) {
      throw error(file, "the buildspec is not a regular file (" + kind(real) + ")");
    }
    try (InputStream in = Files.newInputStream(real)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw error(file, "the buildspec is larger than " + (MAX_BYTES >> 10) + " KiB");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw error(file, "cannot read the buildspec: " + e.getMessage());
    }
  }

  private static String kind(Path p) {
    if (Files.isDirectory(p)) {
      return "a directory";
    }
    return Files.isReadable(p) ? "a device, FIFO or socket" : "unreadable";
  }

  private static BuildspecException error(Path file, String message) {
    return new BuildspecException(file.toString(), 0, "", message);
  }
}
