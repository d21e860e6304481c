package dev.localbuild.buildspec;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The buildspec's {@code cache} section.
 *
 * @param paths globs (absolute or relative to the source directory) of what is cached
 * @param key the exact key of an S3 cache entry, evaluated with shell syntax at build time
 * @param fallbackKeys up to five key prefixes tried in order when {@code key} misses
 * @param action {@code restore}, {@code save}, or null for both
 */
public record CacheSpec(
    List<String> paths, @Nullable String key, List<String> fallbackKeys, @Nullable Action action) {
  public CacheSpec {
    paths = List.copyOf(paths);
    fallbackKeys = List.copyOf(fallbackKeys);
  }

  /** What a build does with its cache. */
  public enum Action {
    RESTORE,
    SAVE
  }

  /** Whether the cache is restored before the build. */
  public boolean restores() {
    return action != Action.SAVE;
  }

  /** Whether the cache is saved after the build. */
  public boolean saves() {
    return action != Action.RESTORE;
  }
}
