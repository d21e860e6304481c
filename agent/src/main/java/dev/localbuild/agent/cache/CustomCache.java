package dev.localbuild.agent.cache;

import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.runtime.BuildCache;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import dev.localbuild.runtime.shell.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * LOCAL_CUSTOM_CACHE as CodeBuild implements it: each {@code cache.paths} directory becomes a
 * symbolic link into a cache directory that outlives builds (a Docker volume, or a directory of
 * this machine), made before the build's commands run. What the build writes there is the cache:
 * there is nothing to save. Cached content replaces a same-named directory of the source. Only
 * directories can be cached.
 */
public final class CustomCache implements BuildCache {
  private final String cacheRoot;

  /**
   * @param cacheRoot where the cache directories are, as the build sees it
   */
  public CustomCache(String cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public boolean restore(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception {
    StringBuilder script =
        new StringBuilder(
            ". " + ShellQuote.quote(sandbox.shellDir()) + "/" + CommandScripts.STATE + "\n");
    int linked = 0;
    for (String pattern : spec.paths()) {
      Optional<String> dir = directoryOf(pattern, sandbox.sourceDir());
      if (dir.isEmpty()) {
        log.accept(NOT_A_DIRECTORY + pattern);
        continue;
      }
      // named by the path as the buildspec writes it: the source directory differs in every build
      String target =
          ShellQuote.quote(cacheRoot + "/" + hash(directoryOf(pattern, "src").orElseThrow()));
      String d = ShellQuote.quote(dir.get());
      String p = ShellQuote.quote(pattern);
      // a file where a directory should be cannot be cached: CodeBuild says so and goes on
      // a cache directory with content from an earlier build is a hit
      script
          .append("[ -n \"$(ls -A ")
          .append(target)
          .append(" 2>/dev/null)\" ] && echo ")
          .append(HIT)
          .append('\n');
      script
          .append("if [ -e ")
          .append(d)
          .append(" ] && [ ! -d ")
          .append(d)
          .append(" ]; then echo ")
          .append(p)
          .append("; else mkdir -p ")
          .append(target)
          .append(" \"$(dirname ")
          .append(d)
          .append(")\" && rm -rf ")
          .append(d)
          .append(" && ln -s ")
          .append(target)
          .append(' ')
          .append(d)
          .append("; fi\n");
      linked++;
    }
    String answer = sandbox.shell().capture("sh", script.toString());
    boolean hit = false;
    for (String line : answer.lines().filter(l -> !l.isBlank()).toList()) {
      if (line.equals(HIT)) {
        hit = true;
        continue;
      }
      log.accept(NOT_A_DIRECTORY + line);
      linked--;
    }
    log.accept("Restored local cache for " + linked + " path(s)");
    return hit;
  }

  // what the restore script prints for a cached directory that has content: no path is this
  private static final String HIT = "::localbuild-cache-hit::";

  static final String NOT_A_DIRECTORY =
      "Unable to initialize cache download: only directories can be cached locally: ";

  @Override
  public void save(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log) {
    // the cached directories are links into the cache: the build already wrote its content there
  }

  /**
   * The directory a cache path names: {@code dir}, {@code dir/}, {@code dir/*}, {@code dir/**} or
   * {@code dir/**}{@code /*}; relative paths start in the source. Empty for anything that names
   * files.
   */
  static Optional<String> directoryOf(String pattern, String sourceDir) {
    String p = pattern.trim();
    for (String suffix : List.of("/**/*", "/**", "/*", "/")) {
      if (p.endsWith(suffix)) {
        p = p.substring(0, p.length() - suffix.length());
        break;
      }
    }
    if (p.isEmpty() || p.matches(".*[*?\\[{].*")) {
      return Optional.empty();
    }
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    return Optional.of(p.startsWith("/") ? p : sourceDir + "/" + p);
  }

  static String hash(String path) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
