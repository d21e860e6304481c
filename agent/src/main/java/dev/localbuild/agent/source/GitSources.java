package dev.localbuild.agent.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A project's git source, fetched as CodeBuild fetches it: the version asked for (branch, tag,
 * commit; the remote's HEAD by default) at the clone depth asked for. With LOCAL_SOURCE_CACHE the
 * repository is kept between builds and only what is new is fetched.
 */
public final class GitSources {
  private final Path cacheRoot;

  /**
   * @param cacheRoot where cached repositories live
   */
  public GitSources(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  /** A failed git command, with git's own message. */
  public static final class GitException extends Exception {
    GitException(String message) {
      super(message);
    }
  }

  /** What was fetched, and whether the cache had it already. */
  public record Fetched(Path dir, boolean fromCache) {}

  /**
   * Fetches a source.
   *
   * @param url the repository
   * @param version branch, tag or commit; null for the remote's default branch
   * @param depth clone depth, 0 for full history
   * @param cacheKey the cache entry (project and source id), or null not to cache
   * @param scratch where an uncached clone goes
   */
  public Fetched fetch(
      String url, @Nullable String version, int depth, @Nullable String cacheKey, Path scratch)
      throws GitException, InterruptedException {
    checkVersion(version);
    if (url.startsWith("-")) {
      throw new GitException("the repository location " + url + " starts with '-'");
    }
    Path dir =
        cacheKey == null ? scratch : cacheRoot.resolve(cacheKey.replaceAll("[^A-Za-z0-9._-]", "_"));
    boolean cached = cacheKey != null && Files.isDirectory(dir.resolve(".git"));
    if (!cached) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new GitException("cannot create " + dir + ": " + e.getMessage());
      }
      git(dir, "init", "-q");
      git(dir, "remote", "add", "--", "origin", url);
    } else {
      git(dir, "remote", "set-url", "--", "origin", url);
    }
    List<String> fetch = new ArrayList<>(List.of("fetch", "-q", "--tags", "--force"));
    if (depth > 0) {
      fetch.add("--depth=" + depth);
    }
    // nothing after this is an option, whatever a pull request names its branch
    fetch.add("--end-of-options");
    fetch.add("origin");
    fetch.add(version == null ? "HEAD" : version);
    git(dir, fetch.toArray(String[]::new));
    git(dir, "checkout", "-q", "--force", "FETCH_HEAD");
    git(dir, "clean", "-q", "-ffdx", "-e", "/.localbuild-used");
    if (cacheKey != null) {
      dev.localbuild.agent.cache.LocalCaches.touch(dir);
    }
    return new Fetched(dir, cached);
  }

  /**
   * Refuses a version that git could take for something else: an option ({@code --upload-pack=...}
   * runs a command on this machine), or one with control characters or spaces, which no branch, tag
   * or commit has. The version often comes from a stranger (a pull request's branch).
   */
  public static void checkVersion(@Nullable String version) throws GitException {
    if (version == null) {
      return;
    }
    if (version.isEmpty() || version.startsWith("-")) {
      throw new GitException(
          "source version '" + version + "' is not a branch, tag or commit (it starts with '-')");
    }
    if (!version.chars().allMatch(c -> c > ' ' && c != 0x7f)) {
      throw new GitException(
          "source version '"
              + version.replaceAll("\\p{Cntrl}", "?")
              + "' is not a branch, tag or commit (it has spaces or control characters)");
    }
  }

  static String git(Path dir, String... args) throws GitException, InterruptedException {
    Git.Result r;
    try {
      r = Git.run(dir, Duration.ofMinutes(30), args);
    } catch (IOException e) {
      throw new GitException(e.getMessage());
    }
    if (!r.ok()) {
      throw new GitException("git " + String.join(" ", args) + " failed: " + r.why());
    }
    return r.text();
  }
}
