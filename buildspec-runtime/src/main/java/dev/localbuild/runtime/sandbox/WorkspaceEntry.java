package dev.localbuild.runtime.sandbox;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file, directory or symbolic link found in a build's file system.
 *
 * @param path relative to the directory walked, {@code /}-separated, never starting with {@code /}
 * @param type what it is
 * @param size bytes, for files
 * @param mode unix permission bits ({@code 0755}...)
 * @param linkTarget for links: the target as written in the link
 * @param modified last modification
 */
public record WorkspaceEntry(
    String path, Type type, long size, int mode, @Nullable String linkTarget, Instant modified) {
  public WorkspaceEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(modified, "modified");
  }

  /** What an entry is. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK
  }
}
