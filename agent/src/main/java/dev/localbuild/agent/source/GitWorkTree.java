package dev.localbuild.agent.source;

import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a build of a git work tree gets, as CodeBuild's clone of the commit would have it: the files
 * git tracks (with their uncommitted changes), not the untracked or ignored ones, unless asked to
 * include the untracked ones. The {@code .git} directory comes along, as in a clone.
 *
 * @param files what is copied
 * @param dirty whether the copy differs from the commit (changes to tracked files, or untracked
 *     files included)
 * @param untrackedLeftOut untracked (not ignored) files and directories left out
 * @param buildspecUntracked whether the buildspec is one of the untracked files (copied anyway: a
 *     buildspec being written is the point of a local run)
 */
public record GitWorkTree(
    SourceFiles files, boolean dirty, int untrackedLeftOut, boolean buildspecUntracked) {

  /** Why a work tree's files could not be listed (no git, a repository git refuses). */
  public static final class Unlisted extends Exception {
    Unlisted(String message) {
      super(message);
    }
  }

  /**
   * The files of a directory inside a git work tree, or empty when it is not in one (or has no
   * commit yet).
   *
   * @param buildspec the buildspec's path relative to {@code dir}, or null
   * @throws Unlisted when it is a work tree but git cannot list it
   */
  public static Optional<GitWorkTree> read(
      Path dir, boolean includeUntracked, @Nullable String buildspec) throws Unlisted {
    if (GitInfo.read(dir).isEmpty()) {
      return Optional.empty();
    }
    List<String> tracked = git(dir, "ls-files", "-z", "--cached");
    List<String> untracked = git(dir, "ls-files", "-z", "--others", "--exclude-standard");
    boolean changed =
        !git(dir, "status", "-z", "--porcelain", "--untracked-files=no", "--", ".").isEmpty();
    List<String> files = new ArrayList<>();
    List<String> whole = new ArrayList<>(List.of(".git"));
    for (String f : tracked) {
      // a submodule is one entry, a directory: taken whole, as a recursive clone has it
      (Files.isDirectory(dir.resolve(f)) ? whole : files).add(f);
    }
    boolean buildspecUntracked = buildspec != null && untracked.contains(buildspec);
    if (includeUntracked) {
      files.addAll(untracked);
    } else if (buildspecUntracked) {
      files.add(buildspec);
    }
    int leftOut =
        includeUntracked ? 0 : (int) untracked.stream().filter(f -> !f.equals(buildspec)).count();
    return Optional.of(
        new GitWorkTree(
            SourceFiles.only(files, whole),
            changed || (includeUntracked && !untracked.isEmpty()) || buildspecUntracked,
            leftOut,
            buildspecUntracked));
  }

  private static List<String> git(Path dir, String... args) throws Unlisted {
    Git.Result r;
    try {
      r = Git.run(dir, Duration.ofMinutes(1), args);
    } catch (IOException e) {
      throw new Unlisted(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unlisted("interrupted");
    }
    if (!r.ok()) {
      throw new Unlisted("git " + args[0] + " failed: " + r.why().lines().findFirst().orElse(""));
    }
    List<String> entries = new ArrayList<>();
    for (String e : r.text().split("\0")) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    return entries;
  }
}
