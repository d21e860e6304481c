package dev.localbuild.runtime.sandbox;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which files of a source directory a build gets: all of them, or a list (what git tracks in a work
 * tree, as a clone would have it). Paths are relative to the directory, with {@code /}.
 */
public final class SourceFiles {
  /** Every file of the directory. */
  public static final SourceFiles ALL = new SourceFiles(null, Set.of(), List.of());

  private final Set<String> files;
  private final Set<String> dirs;
  private final List<String> wholeDirs;
  private final boolean all;

  private SourceFiles(Set<String> files, Set<String> dirs, List<String> wholeDirs) {
    this.all = files == null;
    this.files = files == null ? Set.of() : files;
    this.dirs = dirs;
    this.wholeDirs = wholeDirs;
  }

  /**
   * These files, and everything under {@code wholeDirs} (a work tree's {@code .git}, a submodule).
   */
  public static SourceFiles only(Collection<String> files, Collection<String> wholeDirs) {
    Set<String> dirs = new HashSet<>();
    for (String f : files) {
      for (int i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) {
        dirs.add(f.substring(0, i));
      }
    }
    for (String w : wholeDirs) {
      dirs.add(w);
      for (int i = w.indexOf('/'); i > 0; i = w.indexOf('/', i + 1)) {
        dirs.add(w.substring(0, i));
      }
    }
    return new SourceFiles(Set.copyOf(files), Set.copyOf(dirs), List.copyOf(wholeDirs));
  }

  /** Whether every file is copied. */
  public boolean all() {
    return all;
  }

  /** Whether the file at this relative path is copied. */
  public boolean copiesFile(String rel) {
    return all || files.contains(rel) || underWhole(rel);
  }

  /** Whether the directory at this relative path is copied (with what of it is copied). */
  public boolean entersDir(String rel) {
    return all || dirs.contains(rel) || underWhole(rel);
  }

  private boolean underWhole(String rel) {
    for (String w : wholeDirs) {
      if (rel.startsWith(w + "/")) {
        return true;
      }
    }
    return false;
  }
}
