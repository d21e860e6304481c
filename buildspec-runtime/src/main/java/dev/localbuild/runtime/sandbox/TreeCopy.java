package dev.localbuild.runtime.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** A directory tree copied as a build sees its source: links stay links, permissions stay. */
public final class TreeCopy {
  private TreeCopy() {}

  /** Copies a tree, keeping links as links and permissions. */
  public static Path copy(Path from, Path to) throws IOException {
    return copy(from, to, SourceFiles.ALL);
  }

  /** Copies what {@code only} selects of a tree, keeping links as links and permissions. */
  public static Path copy(Path from, Path to, SourceFiles only) throws IOException {
    Path src = from.toAbsolutePath();
    Files.walkFileTree(
        src,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(src) && !only.entersDir(rel(src, dir))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(src.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!only.copiesFile(rel(src, file))) {
              return FileVisitResult.CONTINUE;
            }
            Path target = to.resolve(src.relativize(file).toString());
            if (attrs.isSymbolicLink()) {
              Files.createSymbolicLink(target, Files.readSymbolicLink(file));
            } else {
              Files.copy(
                  file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE;
          }
        });
    return to;
  }

  /** A path relative to the tree's root, with {@code /} as {@link SourceFiles} names them. */
  public static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
  }
}
