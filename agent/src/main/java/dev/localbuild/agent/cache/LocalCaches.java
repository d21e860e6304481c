package dev.localbuild.agent.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The caches a machine keeps in {@code $LOCALBUILD_HOME/cache}: the buildspec's cache of builds
 * without a project ({@code s3/local/<project>}), git source caches ({@code source/<project>...})
 * and the host executor's LOCAL_CUSTOM_CACHE ({@code custom/<project>}). Each is used whole by one
 * project, so each is evicted whole, least recently used first, when they take more than a bound
 * (Docker layer caches have their own, in {@code docker-layer-volumes}).
 */
public final class LocalCaches {
  /** The default bound on what these caches take together. */
  public static final long DEFAULT_LIMIT = 20L * 1024 * 1024 * 1024;

  /** Touched when a cache is used: its time is the cache's last use. */
  static final String USED = ".localbuild-used";

  /** One cache directory. */
  public record Entry(String kind, String name, Path dir, long bytes, Instant lastUsed) {}

  private final Path root;

  public LocalCaches(Path stateDir) {
    this.root = stateDir.resolve("cache");
  }

  /** Every cache directory, most recently used first. */
  public List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    for (String kind : List.of("s3/local", "source", "custom")) {
      Path dir = root.resolve(kind);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(Files::isDirectory).toList()) {
          out.add(
              new Entry(
                  kind.equals("s3/local") ? "buildspec" : kind,
                  p.getFileName().toString(),
                  p,
                  size(p),
                  lastUsed(p)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    out.sort(Comparator.comparing(Entry::lastUsed).reversed());
    return out;
  }

  /**
   * {@link #prune} at most once per {@code every}: measuring the caches walks every file in them,
   * which a run should not pay each time.
   *
   * @return what was removed; nothing when the last prune was more recent
   */
  public List<Entry> pruneIfDue(long limitBytes, java.time.Duration every) {
    Path stamp = root.resolve(".pruned");
    try {
      if (Files.exists(stamp)
          && Files.getLastModifiedTime(stamp).toInstant().isAfter(Instant.now().minus(every))) {
        return List.of();
      }
      Files.createDirectories(root);
      Files.writeString(stamp, "");
    } catch (IOException e) {
      return List.of(); // eviction is housekeeping: never a reason to fail a run
    }
    return prune(limitBytes, null);
  }

  /** Marks a cache directory used now (made if missing). */
  public static void touch(Path dir) {
    try {
      Files.createDirectories(dir);
      Path used = dir.resolve(USED);
      if (!Files.exists(used)) {
        Files.createFile(used);
      }
      Files.setLastModifiedTime(used, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // the last use is a hint for eviction, never a reason to fail a build
    }
  }

  /**
   * Removes caches, least recently used first, until the rest take at most {@code limitBytes}; and
   * every cache not used since {@code unusedSince} (null: no such rule).
   *
   * @return what was removed
   */
  public List<Entry> prune(long limitBytes, Instant unusedSince) {
    List<Entry> all = list();
    List<Entry> removed = new ArrayList<>();
    long total = all.stream().mapToLong(Entry::bytes).sum();
    for (Entry e : all.reversed()) {
      boolean old = unusedSince != null && e.lastUsed().isBefore(unusedSince);
      if (total > limitBytes || old) {
        delete(e.dir());
        total -= e.bytes();
        removed.add(e);
      }
    }
    return removed;
  }

  private static Instant lastUsed(Path dir) {
    try {
      Path used = dir.resolve(USED);
      return Files.getLastModifiedTime(Files.exists(used) ? used : dir).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  static long size(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(p -> {
            try {
              return Files.size(p);
            } catch (IOException e) {
              return 0;
            }
          })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
