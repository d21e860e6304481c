package dev.localbuild.cache.archive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which entries of a cache archive a build may restore. A cache can be written by another
 * build (a shared S3 cache, a fork's pull request), so an archive is untrusted input: an entry is
 * restored only when its path has no {@code ..}, lies under one of the directories the restoring
 * buildspec names in {@code cache.paths}, and does not pass through a symlink that the same archive
 * made (the tar-slip of "link to /etc, then link/passwd"). Symlink entries themselves are kept (a
 * virtualenv's {@code python -> /usr/bin/python3} is legitimate); they are never written through.
 */
public final class RestoreGuard {
  private final List<String> roots;
  private final Set<String> links = new HashSet<>();

  /**
   * @param roots absolute directories (no trailing {@code /}) entries must stay in
   */
  public RestoreGuard(List<String> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * The directories a cache's paths name: each glob's literal part up to its first wildcard,
   * relative ones under the source directory. {@code /root/.m2/**\/*} gives {@code /root/.m2}.
   */
  public static List<String> roots(List<String> cachePaths, String sourceDir) {
    List<String> out = new ArrayList<>();
    for (String p : cachePaths) {
      String abs = p.startsWith("/") ? p : sourceDir + "/" + p;
      int wild = indexOfWildcard(abs);
      String literal = wild < 0 ? abs : abs.substring(0, abs.lastIndexOf('/', wild));
      String normal = normalize(literal);
      if (normal != null && !normal.isEmpty()) {
        out.add(normal);
      }
    }
    return out;
  }

  /**
   * Why an entry is refused, or empty when it may be restored. Call in archive order: a symlink
   * entry that is accepted is remembered, and later entries beneath it are refused.
   *
   * @param name the entry's absolute path in the build's file system, with or without leading /
   */
  public Optional<String> check(String name, boolean symlink) {
    String path = normalize("/" + name);
    if (path == null) {
      return Optional.of("has a '..' component");
    }
    if (roots.stream().noneMatch(r -> path.equals(r) || path.startsWith(r + "/"))) {
      return Optional.of("is outside the cache paths " + roots);
    }
    for (String link : links) {
      if (path.startsWith(link + "/")) {
        return Optional.of("is beneath the archive's own symlink " + link);
      }
    }
    if (symlink) {
      links.add(path);
    }
    return Optional.empty();
  }

  /** The path with {@code .} and empty segments removed; null when it has {@code ..}. */
  static String normalize(String abs) {
    StringBuilder b = new StringBuilder();
    for (String seg : abs.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        return null;
      }
      b.append('/').append(seg);
    }
    return b.toString();
  }

  private static int indexOfWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }
}
