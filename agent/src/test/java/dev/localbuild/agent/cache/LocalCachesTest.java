package dev.localbuild.agent.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCachesTest {
  @TempDir Path state;

  Path cache(String kind, String name, int kib, Duration ago) throws Exception {
    Path dir = Files.createDirectories(state.resolve("cache").resolve(kind).resolve(name));
    Files.write(dir.resolve("data"), new byte[kib * 1024]);
    LocalCaches.touch(dir);
    Files.setLastModifiedTime(
        dir.resolve(LocalCaches.USED), FileTime.from(Instant.now().minus(ago)));
    return dir;
  }

  @Test
  void listsEveryKindMostRecentlyUsedFirst() throws Exception {
    cache("s3/local", "old-project", 10, Duration.ofDays(3));
    cache("source", "web_primary", 20, Duration.ofHours(1));
    cache("custom", "api", 30, Duration.ofDays(1));
    var list = new LocalCaches(state).list();
    assertThat(list)
        .extracting(LocalCaches.Entry::name)
        .containsExactly("web_primary", "api", "old-project");
    assertThat(list)
        .extracting(LocalCaches.Entry::kind)
        .containsExactly("source", "custom", "buildspec");
    assertThat(list.get(0).bytes()).isEqualTo(20 * 1024);
  }

  @Test
  void evictsTheLeastRecentlyUsedBeyondTheBound() throws Exception {
    Path old = cache("s3/local", "old", 100, Duration.ofDays(3));
    Path mid = cache("s3/local", "mid", 100, Duration.ofDays(2));
    Path recent = cache("s3/local", "recent", 100, Duration.ofMinutes(1));
    var removed = new LocalCaches(state).prune(250 * 1024, null);
    assertThat(removed).extracting(LocalCaches.Entry::name).containsExactly("old");
    assertThat(old).doesNotExist();
    assertThat(mid).exists();
    assertThat(recent).exists();
  }

  @Test
  void removesWhatWasNotUsedForAWhile() throws Exception {
    cache("source", "stale", 1, Duration.ofDays(10));
    cache("source", "fresh", 1, Duration.ofHours(2));
    var removed =
        new LocalCaches(state).prune(Long.MAX_VALUE, Instant.now().minus(Duration.ofDays(7)));
    assertThat(removed).extracting(LocalCaches.Entry::name).containsExactly("stale");
  }

  @Test
  void pruningAfterARunHappensAtMostOncePerPeriod() throws Exception {
    cache("s3/local", "a", 100, Duration.ofDays(2));
    LocalCaches caches = new LocalCaches(state);
    assertThat(caches.pruneIfDue(10 * 1024, Duration.ofHours(1))).hasSize(1);
    cache("s3/local", "b", 100, Duration.ofDays(2));
    // within the hour: not measured again
    assertThat(caches.pruneIfDue(10 * 1024, Duration.ofHours(1))).isEmpty();
    assertThat(caches.pruneIfDue(10 * 1024, Duration.ZERO)).hasSize(1);
  }
}
