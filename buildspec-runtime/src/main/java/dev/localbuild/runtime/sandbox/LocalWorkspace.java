package dev.localbuild.runtime.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/** A {@link Workspace} on this machine's file system (the host executor; tests). */
public final class LocalWorkspace implements Workspace {
  private static final InputStream EMPTY = InputStream.nullInputStream();

  @Override
  public Found walk(String path, Visitor visitor) throws IOException {
    Path root = Path.of(path);
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return Found.NOTHING;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      visit(root, "", visitor);
      return Found.FILE;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(root)) {
              visit(dir, relative(root, dir), visitor);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            visit(file, relative(root, file), visitor);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE; // unreadable (permissions): CodeBuild skips it too
          }
        });
    return Found.DIRECTORY;
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static void visit(Path p, String rel, Visitor visitor) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      WorkspaceEntry e =
          new WorkspaceEntry(
              rel,
              WorkspaceEntry.Type.SYMLINK,
              0,
              0777,
              Files.readSymbolicLink(p).toString(),
              a.lastModifiedTime().toInstant());
      visitor.visit(e, EMPTY);
    } else if (a.isDirectory()) {
      visitor.visit(
          new WorkspaceEntry(
              rel,
              WorkspaceEntry.Type.DIRECTORY,
              0,
              mode(p),
              null,
              a.lastModifiedTime().toInstant()),
          EMPTY);
    } else if (a.isRegularFile()) {
      WorkspaceEntry e =
          new WorkspaceEntry(
              rel,
              WorkspaceEntry.Type.FILE,
              a.size(),
              mode(p),
              null,
              a.lastModifiedTime().toInstant());
      try (InputStream in = Files.newInputStream(p)) {
        visitor.visit(e, in);
      } catch (NoSuchFileException gone) {
        // removed while we walked: nothing to take
      }
    }
  }

  /** A file's permission bits ({@code 0644}); 0755 or 0644 where the file system has none. */
  public static int mode(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int m = 0;
      for (PosixFilePermission perm : perms) {
        m |= 1 << (8 - perm.ordinal());
      }
      return m;
    } catch (IOException | UnsupportedOperationException e) {
      return Files.isDirectory(p) ? 0755 : 0644;
    }
  }

  @Override
  public void unpack(InputStream in, java.util.List<String> roots) throws IOException {
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
      Path root = Path.of("/");
      while ((e = tar.getNextEntry()) != null) {
        Path target = root.resolve(e.getName()).normalize();
        checkInside(e.getName(), target, roots);
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          // REPLACE_EXISTING removes a symlink at the target rather than writing through it
          Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          try {
            Files.setPosixFilePermissions(target, permissions(e.getMode()));
          } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
          }
          Files.setLastModifiedTime(
              target, java.nio.file.attribute.FileTime.from(e.getModTime().toInstant()));
        }
        // hard links, devices and FIFOs are never restored
      }
    }
  }

  /**
   * Refuses an entry that leaves the roots: by {@code ..}, or through a symlink already on this
   * machine (a source that links {@code cache-dir -> ~/.ssh}), found by resolving the deepest
   * existing ancestor and checking it is still inside the root it is under.
   */
  static void checkInside(String name, Path target, java.util.List<String> roots)
      throws IOException {
    if (java.util.Arrays.asList(name.split("/")).contains("..")) {
      throw new IOException("refused " + name + ": it has a '..' component");
    }
    Path root =
        roots.stream()
            .map(Path::of)
            .filter(target::startsWith)
            .findFirst()
            .orElseThrow(() -> new IOException("refused /" + name + ": outside " + roots));
    Path existing = target.getParent();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.startsWith(root)) {
      return; // nothing of the root exists yet: what is made below it is made here, fresh
    }
    Path realRoot = root.toRealPath();
    if (!existing.toRealPath().startsWith(realRoot)) {
      throw new IOException(
          "refused /" + name + ": " + existing + " is a link that leads outside " + root);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - p.ordinal()))) != 0) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  public Optional<byte[]> read(String path, long maxBytes) throws IOException {
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    if (Files.size(p) > maxBytes) {
      throw new IOException(path + " is larger than " + maxBytes + " bytes");
    }
    return Optional.of(Files.readAllBytes(p));
  }
}
