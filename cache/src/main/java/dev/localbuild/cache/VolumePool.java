package dev.localbuild.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Which cache volumes exist, which are in use, how big they are and when they were last used: the
 * bookkeeping behind LOCAL_DOCKER_LAYER_CACHE. Two builds of one project never share a live volume
 * (a busy project gets a second volume), and the total size is kept under a limit by evicting the
 * least recently used idle volumes. State is one small file, changed under a file lock, so several
 * agent processes on one host agree.
 */
public final class VolumePool {
  /** One volume's bookkeeping: owner pid 0 means idle. */
  public record Entry(
      String name, String project, long sizeBytes, Instant lastUsed, long ownerPid) {}

  private final Path file;
  private final Clock clock;
  private final LongPredicate alive;

  /**
   * @param file the pool's state file
   * @param clock the time
   * @param alive whether a process id is still running (an owner that died frees its volume)
   */
  public VolumePool(Path file, Clock clock, LongPredicate alive) {
    this.file = file;
    this.clock = clock;
    this.alive = alive;
  }

  /** A pool that checks owners against this machine's processes. */
  public static VolumePool of(Path file) {
    return new VolumePool(
        file,
        Clock.systemUTC(),
        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * Takes an idle volume of the project (the most recently used), or names a new one.
   *
   * @param prefix volume names start with this (e.g. {@code localbuild-dlc-<project>})
   * @param pid the taking process
   */
  public Entry acquire(String project, String prefix, long pid) {
    return update(entries -> {
      Entry best =
          entries.values().stream()
              .filter(e -> e.project().equals(project) && idle(e))
              .max(Comparator.comparing(Entry::lastUsed))
              .orElse(null);
      if (best == null) {
        int n = 1;
        while (entries.containsKey(prefix + "-" + n)) {
          n++;
        }
        best = new Entry(prefix + "-" + n, project, 0, clock.instant(), pid);
      } else {
        best = new Entry(best.name(), project, best.sizeBytes(), clock.instant(), pid);
      }
      entries.put(best.name(), best);
      return best;
    });
  }

  /**
   * Gives a volume back with its size now, and says which idle volumes to remove to get the total
   * under {@code limitBytes} (least recently used first; they are forgotten here).
   */
  public List<String> release(String name, long sizeBytes, long limitBytes) {
    return update(entries -> {
      Entry e = entries.get(name);
      if (e != null) {
        entries.put(name, new Entry(name, e.project(), sizeBytes, clock.instant(), 0));
      }
      long total = entries.values().stream().mapToLong(Entry::sizeBytes).sum();
      List<String> evict = new ArrayList<>();
      for (Entry old :
          entries.values().stream()
              .filter(this::idle)
              .sorted(Comparator.comparing(Entry::lastUsed))
              .toList()) {
        if (total <= limitBytes) {
          break;
        }
        evict.add(old.name());
        total -= old.sizeBytes();
        entries.remove(old.name());
      }
      return evict;
    });
  }

  /** Forgets a volume (it was removed). */
  public void forget(String name) {
    update(entries -> entries.remove(name));
  }

  public List<Entry> entries() {
    return update(entries -> List.copyOf(entries.values()));
  }

  private boolean idle(Entry e) {
    return e.ownerPid() == 0 || !alive.test(e.ownerPid());
  }

  private <T> T update(java.util.function.Function<Map<String, Entry>, T> change) {
    try {
      return FileLocks.locked(
          file,
          ch -> {
            Map<String, Entry> entries = read(ch);
            T result = change.apply(entries);
            write(ch, entries);
            return result;
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update the cache volume pool " + file, e);
    }
  }

  private static Map<String, Entry> read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    ch.read(buf, 0);
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String line : new String(buf.array(), StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 5) {
        out.put(
            f[0],
            new Entry(f[0], f[1], Long.parseLong(f[2]), Instant.parse(f[3]), Long.parseLong(f[4])));
      }
    }
    return out;
  }

  private static void write(FileChannel ch, Map<String, Entry> entries) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries.values()) {
      b.append(e.name())
          .append('\t')
          .append(e.project())
          .append('\t')
          .append(e.sizeBytes())
          .append('\t')
          .append(e.lastUsed())
          .append('\t')
          .append(e.ownerPid())
          .append('\n');
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(true);
  }
}
