package dev.localbuild.runtime.artifact;

import dev.localbuild.runtime.sandbox.Workspace;
import dev.localbuild.runtime.sandbox.WorkspaceEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Finds the files a list of buildspec globs names under a base directory, as {@code artifacts},
 * {@code reports} and {@code cache} select them: a pattern that names a directory takes everything
 * under it, {@code exclude-paths} leave things out, links are reported as links. Each pattern walks
 * only the directory its literal prefix names, so {@code target/*.jar} never reads the whole tree.
 */
public final class FileSelector {
  private final Workspace workspace;

  public FileSelector(Workspace workspace) {
    this.workspace = workspace;
  }

  /** Receives each selected file once, while its content can be read. */
  @FunctionalInterface
  public interface Selected {
    /**
     * @param rel the path relative to the base directory ({@code /}-less absolute path for an
     *     absolute pattern)
     * @param abs the absolute path in the build's file system
     */
    void accept(String rel, String abs, WorkspaceEntry entry, InputStream content)
        throws IOException;
  }

  /**
   * Selects files.
   *
   * @param base the absolute base directory
   * @param patterns globs relative to it (or absolute)
   * @param excludes globs relative to it of what to leave out
   * @param beforePattern called with each pattern before its files, for logging
   * @return the patterns that selected nothing new
   */
  public List<String> select(
      String base,
      List<String> patterns,
      List<Glob> excludes,
      @Nullable Consumer<String> beforePattern,
      Selected selected)
      throws IOException {
    Set<String> seen = new HashSet<>();
    List<String> unmatched = new ArrayList<>();
    for (String text : patterns) {
      if (beforePattern != null) {
        beforePattern.accept(text);
      }
      Glob pattern = Glob.of(text);
      boolean absolute = pattern.absolute();
      String prefix =
          absolute ? pattern.literalPrefix().replaceFirst("^/", "") : pattern.literalPrefix();
      String root = absolute ? "/" : base;
      int before = seen.size();
      workspace.walk(
          join(root, prefix),
          (e, in) -> {
            String rel =
                e.path().isEmpty()
                    ? prefix
                    : (prefix.isEmpty() ? e.path() : prefix + "/" + e.path());
            if (e.type() == WorkspaceEntry.Type.DIRECTORY
                || !matchesSelfOrAncestor(pattern, rel, absolute)
                || matchesAny(excludes, rel)
                || !seen.add(rel)) {
              return;
            }
            selected.accept(rel, join(root, rel), e, in);
          });
      if (seen.size() == before) {
        unmatched.add(text);
      }
    }
    return unmatched;
  }

  /** Whether the glob matches the path or one of its parent directories. */
  static boolean matchesSelfOrAncestor(Glob pattern, String rel, boolean absolute) {
    String p = rel;
    while (true) {
      if (pattern.matches(absolute ? "/" + p : p)) {
        return true;
      }
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      p = p.substring(0, slash);
    }
  }

  static boolean matchesAny(List<Glob> globs, String rel) {
    for (Glob g : globs) {
      if (matchesSelfOrAncestor(g, rel, false)) {
        return true;
      }
    }
    return false;
  }

  /** Joins an absolute directory and a relative path. */
  public static String join(String dir, String rel) {
    if (rel.isEmpty()) {
      return dir;
    }
    if (rel.startsWith("/")) {
      return rel;
    }
    return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
  }

  /**
   * The directories a base-directory names (it may be a glob, matching several); the source
   * directory itself when null.
   */
  public List<String> baseDirectories(String sourceDir, @Nullable String baseDirectory)
      throws IOException {
    if (baseDirectory == null || Glob.normalize(baseDirectory).equals("**")) {
      return List.of(sourceDir);
    }
    Glob glob = Glob.of(baseDirectory);
    String root = glob.absolute() ? "/" : sourceDir;
    String normalized = Glob.normalize(baseDirectory);
    String prefix =
        glob.absolute() ? glob.literalPrefix().replaceFirst("^/", "") : glob.literalPrefix();
    if (glob.literalPrefix().equals(normalized)) {
      return List.of(join(root, prefix));
    }
    List<String> dirs = new ArrayList<>();
    workspace.walk(
        join(root, prefix),
        (e, in) -> {
          String rel = prefix.isEmpty() ? e.path() : prefix + "/" + e.path();
          if (e.type() == WorkspaceEntry.Type.DIRECTORY
              && glob.matches(glob.absolute() ? "/" + rel : rel)) {
            dirs.add(join(root, rel));
          }
        });
    dirs.sort(null);
    return dirs;
  }
}
