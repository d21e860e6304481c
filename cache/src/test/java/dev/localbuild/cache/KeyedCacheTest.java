package dev.localbuild.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.cache.store.BlobStore;
import dev.localbuild.cache.store.LocalBlobStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CodeBuild's S3 cache rules: exact key, fallback prefixes newest first, immutable keyed entries.
 */
class KeyedCacheTest {
  @TempDir Path dir;
  static final List<String> PATHS = List.of("node_modules/**/*");

  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes());
  }

  static String content(KeyedCache c, KeyedCache.Hit hit) throws Exception {
    try (InputStream in = c.open(hit).orElseThrow()) {
      return new String(in.readAllBytes());
    }
  }

  @Test
  void exactKeyFirstThenFallbackPrefixesInOrderNewestFirst() throws Exception {
    BlobStore store = new LocalBlobStore(dir);
    KeyedCache c = new KeyedCache(store, "web", PATHS);
    c.save("npm-main-111", bytes("old main"));
    c.save("npm-main-222", bytes("new main"));
    c.save("npm-feature-333", bytes("feature"));
    Files.setLastModifiedTime(dir.resolve(c.blobKey("npm-main-111")), FileTime.fromMillis(1000));
    Files.setLastModifiedTime(dir.resolve(c.blobKey("npm-main-222")), FileTime.fromMillis(2000));

    var exact = c.find(List.of("npm-feature-333", "npm-main-")).orElseThrow();
    assertThat(exact.exact()).isTrue();
    assertThat(content(c, exact)).isEqualTo("feature");

    var fallback = c.find(List.of("npm-feature-444", "npm-feature-9", "npm-main-")).orElseThrow();
    assertThat(fallback.exact()).isFalse();
    assertThat(fallback.matchedBy()).isEqualTo("npm-main-");
    assertThat(content(c, fallback)).isEqualTo("new main");

    assertThat(c.find(List.of("pip-1", "pip-"))).isEmpty();
  }

  @Test
  void keyedEntriesAreImmutableUnkeyedAreReplaced() throws Exception {
    KeyedCache c = new KeyedCache(new LocalBlobStore(dir), "web", PATHS);
    assertThat(c.save("k", bytes("first"))).isTrue();
    assertThat(c.save("k", bytes("second"))).isFalse();
    assertThat(content(c, c.find(List.of("k")).orElseThrow())).isEqualTo("first");
    assertThat(c.find(List.of())).isEmpty();
    c.save(null, bytes("a"));
    c.save(null, bytes("b"));
    assertThat(content(c, c.find(List.of()).orElseThrow())).isEqualTo("b");
  }

  @Test
  void otherPathsOrOtherProjectsAreOtherCaches() throws Exception {
    BlobStore store = new LocalBlobStore(dir);
    new KeyedCache(store, "web", PATHS).save("k", bytes("x"));
    assertThat(new KeyedCache(store, "web", List.of("vendor/**/*")).find(List.of("k"))).isEmpty();
    assertThat(new KeyedCache(store, "api", PATHS).find(List.of("k"))).isEmpty();
    assertThat(new KeyedCache(store, "web", PATHS).find(List.of("k"))).isPresent();
  }

  @Test
  void keysWithSlashesAndShellOutputAreSafe() throws Exception {
    KeyedCache c = new KeyedCache(new LocalBlobStore(dir), "web", PATHS);
    c.save("deps/linux/../x y", bytes("odd"));
    assertThat(c.find(List.of("nope", "deps/linux/")).orElseThrow().matchedBy())
        .isEqualTo("deps/linux/");
  }
}
