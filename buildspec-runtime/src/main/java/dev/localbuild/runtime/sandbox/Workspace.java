package dev.localbuild.runtime.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Read access to a build's file system, wherever it lives (inside a container, in a scratch
 * directory), for collecting artifacts, reports and caches.
 */
public interface Workspace {
  /**
   * Receives the entries of a walk; {@code content} is readable only during the call, for files.
   */
  @FunctionalInterface
  interface Visitor {
    void visit(WorkspaceEntry entry, InputStream content) throws IOException;
  }

  /** What a walk found at the path it was given. */
  enum Found {
    NOTHING,
    DIRECTORY,
    FILE
  }

  /**
   * Visits everything under a path, in no particular order, without following links. For a
   * directory, entry paths are relative to it and the directory itself is not visited; for a file
   * (or link) there is one entry, whose path is empty (it is the path walked).
   *
   * @param path an absolute path in the build's file system
   * @return what was at the path
   */
  Found walk(String path, Visitor visitor) throws IOException;

  /**
   * Reads one file, following links.
   *
   * @param path an absolute path in the build's file system
   * @param maxBytes refuse files larger than this
   * @return empty when there is no such file
   * @throws IOException when the file is larger than {@code maxBytes} or cannot be read
   */
  Optional<byte[]> read(String path, long maxBytes) throws IOException;

  /**
   * Unpacks a tar into the build's file system: entry names are absolute paths without their
   * leading {@code /}; existing files are replaced.
   */
  default void unpack(InputStream tar) throws IOException {
    unpack(tar, List.of("/"));
  }

  /**
   * Unpacks a tar, writing only inside {@code roots}: an entry that would land elsewhere, by {@code
   * ..} or through a symlink already in the file system, is refused with an IOException.
   *
   * @param roots absolute directories
   */
  void unpack(InputStream tar, List<String> roots) throws IOException;
}
