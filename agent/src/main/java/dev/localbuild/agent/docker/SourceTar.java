package dev.localbuild.agent.docker;

import dev.localbuild.runtime.sandbox.LocalWorkspace;
import dev.localbuild.runtime.sandbox.SourceFiles;
import dev.localbuild.runtime.sandbox.TreeCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Streams directories as one tar (for {@code copyArchiveToContainer}) without a temporary file: a
 * thread writes the tar while Docker reads it. Modes and symlinks are kept; the files are owned by
 * root, as CodeBuild's source is.
 */
final class SourceTar {
  private SourceTar() {}

  /** A directory (what {@code only} selects of it) to put at a path inside the container. */
  record Mapping(Path hostDir, String containerPath, SourceFiles only) {
    Mapping(Path hostDir, String containerPath) {
      this(hostDir, containerPath, SourceFiles.ALL);
    }
  }

  /**
   * The tar of every mapping, rooted at the container's {@code /}; the writer runs on its own
   * thread.
   */
  static InputStream stream(List<Mapping> mappings, List<String> emptyDirs) throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer =
        new Thread(
            () -> {
              try (out) {
                write(mappings, emptyDirs, out);
              } catch (IOException e) {
                // the reader (Docker) reports the broken stream
              }
            },
            "localbuild-source-tar");
    writer.setDaemon(true);
    writer.start();
    return in;
  }

  /**
   * The tar of every mapping, in memory, when it is at most {@code limit} bytes: a small source
   * goes in through the build's shell (see {@link SourcePipe}). Blocks of 512 bytes, not 64 KiB, so
   * a one-file source is a few KiB.
   */
  static java.util.Optional<byte[]> small(List<Mapping> mappings, int limit) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    OutputStream capped =
        new java.io.FilterOutputStream(bytes) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + len > limit) {
              throw new TooBig();
            }
            bytes.write(b, off, len);
          }

          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }
        };
    try {
      write(mappings, List.of(), capped, 512);
      return java.util.Optional.of(bytes.toByteArray());
    } catch (TooBig e) {
      return java.util.Optional.empty();
    }
  }

  private static final class TooBig extends IOException {
    TooBig() {
      super("larger than the limit", null);
    }
  }

  static void write(List<Mapping> mappings, List<String> emptyDirs, OutputStream sink)
      throws IOException {
    write(mappings, emptyDirs, sink, 64 * 1024);
  }

  private static void write(
      List<Mapping> mappings, List<String> emptyDirs, OutputStream sink, int blockSize)
      throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(sink, blockSize)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (String dir : emptyDirs) {
        directory(tar, strip(dir), 0755);
      }
      for (Mapping m : mappings) {
        String base = strip(m.containerPath());
        directory(tar, base, 0755);
        Files.walkFileTree(
            m.hostDir(),
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                  throws IOException {
                if (!dir.equals(m.hostDir())) {
                  if (!m.only().entersDir(rel(m.hostDir(), dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                  }
                  directory(tar, base + "/" + rel(m.hostDir(), dir), LocalWorkspace.mode(dir));
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                if (!m.only().copiesFile(rel(m.hostDir(), file))) {
                  return FileVisitResult.CONTINUE;
                }
                String name = base + "/" + rel(m.hostDir(), file);
                if (attrs.isSymbolicLink()) {
                  TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                  e.setLinkName(Files.readSymbolicLink(file).toString());
                  e.setModTime(attrs.lastModifiedTime().toMillis());
                  tar.putArchiveEntry(e);
                  tar.closeArchiveEntry();
                } else if (attrs.isRegularFile()) {
                  TarArchiveEntry e = new TarArchiveEntry(name);
                  e.setSize(attrs.size());
                  e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | LocalWorkspace.mode(file));
                  e.setModTime(attrs.lastModifiedTime().toMillis());
                  tar.putArchiveEntry(e);
                  Files.copy(file, tar);
                  tar.closeArchiveEntry();
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult
                    .CONTINUE; // an unreadable file stays behind, as cp would warn
              }
            });
      }
      tar.finish();
    }
  }

  private static void directory(TarArchiveOutputStream tar, String name, int mode)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR);
    e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static String strip(String containerPath) {
    String s = containerPath;
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    return s;
  }

  private static String rel(Path root, Path p) {
    return TreeCopy.rel(root, p);
  }
}
