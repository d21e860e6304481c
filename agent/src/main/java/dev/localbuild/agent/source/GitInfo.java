package dev.localbuild.agent.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a local source directory knows of git, read straight from {@code .git} (no git binary
 * needed): the commit checked out ({@code CODEBUILD_RESOLVED_SOURCE_VERSION}), the branch, and the
 * {@code origin} URL ({@code CODEBUILD_SOURCE_REPO_URL}). Handles worktrees and submodules, whose
 * {@code .git} is a file pointing elsewhere, and packed refs.
 *
 * @param commit the 40-hex commit of HEAD
 * @param branch the branch HEAD is on, null when detached
 * @param originUrl the {@code origin} remote's URL, null when there is none
 */
public record GitInfo(String commit, @Nullable String branch, @Nullable String originUrl) {
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  /** The git state of a directory, or empty when it is not inside a git work tree. */
  public static Optional<GitInfo> read(Path dir) {
    try {
      Path gitDir = findGitDir(dir.toAbsolutePath().normalize());
      if (gitDir == null) {
        return Optional.empty();
      }
      Path commonDir = commonDir(gitDir);
      String head = Files.readString(gitDir.resolve("HEAD")).trim();
      String branch = null;
      String commit;
      if (head.startsWith("ref: ")) {
        String ref = head.substring(5).trim();
        branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        commit = resolveRef(gitDir, commonDir, ref);
      } else {
        commit = head;
      }
      if (commit == null || !HEX40.matcher(commit).matches()) {
        return Optional.empty(); // a repository with no commit yet
      }
      return Optional.of(new GitInfo(commit, branch, originUrl(commonDir)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static @Nullable Path findGitDir(Path dir) throws IOException {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (Files.isDirectory(git)) {
        return git;
      }
      if (Files.isRegularFile(git)) {
        String line = Files.readString(git).trim();
        if (line.startsWith("gitdir:")) {
          Path target = Path.of(line.substring(7).trim());
          return target.isAbsolute() ? target : d.resolve(target).normalize();
        }
      }
    }
    return null;
  }

  /** A worktree's refs and config live in the main repository, named by {@code commondir}. */
  private static Path commonDir(Path gitDir) throws IOException {
    Path f = gitDir.resolve("commondir");
    if (!Files.isRegularFile(f)) {
      return gitDir;
    }
    Path p = Path.of(Files.readString(f).trim());
    return p.isAbsolute() ? p : gitDir.resolve(p).normalize();
  }

  private static @Nullable String resolveRef(Path gitDir, Path commonDir, String ref)
      throws IOException {
    for (Path base : List.of(gitDir, commonDir)) {
      Path loose = base.resolve(ref);
      if (Files.isRegularFile(loose)) {
        return Files.readString(loose).trim();
      }
    }
    Path packed = commonDir.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String line : Files.readAllLines(packed)) {
        if (line.endsWith(" " + ref) && !line.startsWith("#") && !line.startsWith("^")) {
          return line.substring(0, line.indexOf(' '));
        }
      }
    }
    return null;
  }

  private static @Nullable String originUrl(Path commonDir) throws IOException {
    Path config = commonDir.resolve("config");
    if (!Files.isRegularFile(config)) {
      return null;
    }
    boolean inOrigin = false;
    for (String raw : Files.readAllLines(config)) {
      String line = raw.trim();
      if (line.startsWith("[")) {
        inOrigin = line.matches("\\[remote\\s+\"origin\"\\]");
        continue;
      }
      Matcher m = Pattern.compile("url\\s*=\\s*(.+)").matcher(line);
      if (inOrigin && m.matches()) {
        return m.group(1).trim();
      }
    }
    return null;
  }
}
