package dev.localbuild.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumePoolTest {
  @TempDir Path dir;
  final Set<Long> running = new HashSet<>();
  Instant now = Instant.parse("2026-01-01T00:00:00Z");

  VolumePool pool() {
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            now = now.plusSeconds(1);
            return now;
          }
        };
    return new VolumePool(dir.resolve("pool"), clock, running::contains);
  }

  @Test
  void concurrentBuildsOfAProjectGetDifferentVolumes() {
    VolumePool p = pool();
    running.add(1L);
    running.add(2L);
    var a = p.acquire("web", "dlc-web", 1);
    var b = p.acquire("web", "dlc-web", 2);
    assertThat(a.name()).isNotEqualTo(b.name());
    p.release(a.name(), 100, Long.MAX_VALUE);
    running.add(3L);
    assertThat(p.acquire("web", "dlc-web", 3).name()).isEqualTo(a.name());
  }

  /** Many builds of one agent acquire at once: each gets its own volume, none an exception. */
  @Test
  @org.junit.jupiter.api.Timeout(30)
  void threadsOfOneAgentAcquireDistinctVolumes() throws Exception {
    VolumePool p = new VolumePool(dir.resolve("pool"), Clock.systemUTC(), pid -> true);
    var names = new java.util.concurrent.ConcurrentLinkedQueue<String>();
    var go = new java.util.concurrent.CountDownLatch(1);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int i = 0; i < 8; i++) {
        long owner = 100 + i;
        done.add(
            pool.submit(() -> {
              go.await();
              names.add(p.acquire("web", "dlc-web", owner).name());
              return null;
            }));
      }
      go.countDown();
      for (var f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(new HashSet<>(names)).hasSize(8);
  }

  @Test
  void aDeadOwnerFreesItsVolume() {
    VolumePool p = pool();
    var a = p.acquire("web", "dlc-web", 42);
    assertThat(p.acquire("web", "dlc-web", 43).name()).isEqualTo(a.name());
  }

  @Test
  void evictsLeastRecentlyUsedIdleVolumesOverTheLimit() {
    VolumePool p = pool();
    var a = p.acquire("a", "dlc-a", 1);
    p.release(a.name(), 400, Long.MAX_VALUE);
    var b = p.acquire("b", "dlc-b", 1);
    p.release(b.name(), 400, Long.MAX_VALUE);
    running.add(7L);
    var c = p.acquire("c", "dlc-c", 7); // in use: never evicted
    assertThat(p.release(b.name(), 500, 600)).containsExactly(a.name());
    assertThat(p.entries())
        .extracting(VolumePool.Entry::name)
        .containsExactlyInAnyOrder(b.name(), c.name());
  }
}
