package dev.localbuild.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} does; run once per implementation. */
public abstract class BlobStoreContract {
  protected abstract BlobStore store() throws Exception;

  static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static String read(BlobStore s, String key) throws IOException {
    try (InputStream in = s.get(key).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void putGetReplaceDelete() throws Exception {
    BlobStore s = store();
    assertThat(s.get("p/a")).isEmpty();
    s.put("p/a", text("one"));
    assertThat(read(s, "p/a")).isEqualTo("one");
    s.put("p/a", text("two"));
    assertThat(read(s, "p/a")).isEqualTo("two");
    s.delete("p/a");
    assertThat(s.get("p/a")).isEmpty();
    s.delete("p/a");
  }

  @Test
  void listsByPrefixWithSizes() throws Exception {
    BlobStore s = store();
    s.put("proj/keys/npm-abc", text("12345"));
    s.put("proj/keys/npm-abd", text("1"));
    s.put("proj/keys/pip-x", text("1"));
    s.put("other/keys/npm-abc", text("1"));
    assertThat(s.list("proj/keys/npm-"))
        .extracting(BlobStore.Blob::key)
        .containsExactlyInAnyOrder("proj/keys/npm-abc", "proj/keys/npm-abd");
    assertThat(s.list("proj/keys/npm-abc"))
        .singleElement()
        .extracting(BlobStore.Blob::size)
        .isEqualTo(5L);
  }
}
