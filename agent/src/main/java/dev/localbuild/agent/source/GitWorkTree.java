package dev.localbuild.agent.source;

import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new Unlisted("git is not installed (" + e.getMessage() + ")");
    }
    try {
      p.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain =
          Thread.ofPlatform() // not virtual: see DiskQuota.learnInBackground
              .daemon()
              .start(() -> {
                try (InputStream in = p.getErrorStream()) {
                  in.transferTo(err);
                } catch (IOException ignored) {
                  // what git said is lost: its exit status still says it failed
                }
              });
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new Unlisted("git " + args[0] + " took over a minute");
      }
      drain.join();
      if (p.exitValue() != 0) {
        throw new Unlisted(
            "git "
                + args[0]
                + " failed: "
                + err.toString(StandardCharsets.UTF_8).strip().lines().findFirst().orElse(""));
      }
      List<String> entries = new ArrayList<>();
      String text = new String(out, StandardCharsets.UTF_8);
      for (String e : text.split("\0")) {
        if (!e.isEmpty()) {
          entries.add(e);
        }
      }
      return entries;
    } catch (IOException e) {
      throw new Unlisted("git " + args[0] + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new Unlisted("interrupted");
    }
  }
}
