package dev.localbuild.cache;

import dev.localbuild.cache.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * CodeBuild's S3 cache rules over any {@link BlobStore}. A cache's "version" is a hash of its
 * paths, so the same key with other paths is another cache. With a {@code key}: restore the exact
 * key, else the most recent entry starting with each {@code fallback-key} in turn; a keyed entry,
 * once written, is never replaced. Without a key: one entry per project, replaced on every save.
 */
public final class KeyedCache {
  /** Where an entry was found. */
  public record Hit(String key, String matchedBy, boolean exact) {}

  private final BlobStore store;
  private final String namespace;

  /**
   * @param store where entries live
   * @param namespace the project (or CodeBuild's {@code cacheNamespace}) that owns the entries
   * @param paths the buildspec's cache paths: part of the cache's identity
   */
  public KeyedCache(BlobStore store, String namespace, List<String> paths) {
    this.store = store;
    this.namespace = namespace.replaceAll("[^A-Za-z0-9._-]", "_") + "/" + version(paths);
  }

  static String version(List<String> paths) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : paths) {
        sha.update(p.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The blob key of a cache key: safe for any store, prefix order preserved. */
  String blobKey(String key) {
    return namespace + "/keys/" + encode(key);
  }

  private String unkeyed() {
    return namespace + "/default";
  }

  /** Encodes a key so a key prefix stays a blob-key prefix (no / in the result). */
  static String encode(String key) {
    StringBuilder b = new StringBuilder();
    for (byte c : key.getBytes(StandardCharsets.UTF_8)) {
      int ch = c & 0xff;
      if ((ch >= 'a' && ch <= 'z')
          || (ch >= 'A' && ch <= 'Z')
          || (ch >= '0' && ch <= '9')
          || ch == '-'
          || ch == '.') {
        b.append((char) ch);
      } else {
        b.append('_').append(String.format("%02X", ch));
      }
    }
    return b.toString();
  }

  /**
   * Finds what to restore.
   *
   * @param keys the key first, then the fallback keys; empty for an unkeyed cache
   */
  public Optional<Hit> find(List<String> keys) throws IOException {
    if (keys.isEmpty()) {
      return store.list(unkeyed()).isEmpty()
          ? Optional.empty()
          : Optional.of(new Hit(unkeyed(), "", true));
    }
    if (store.list(blobKey(keys.get(0))).stream()
        .anyMatch(b -> b.key().equals(blobKey(keys.get(0))))) {
      return Optional.of(new Hit(blobKey(keys.get(0)), keys.get(0), true));
    }
    for (String fallback : keys.subList(1, keys.size())) {
      Optional<BlobStore.Blob> newest =
          store.list(blobKey(fallback)).stream()
              .max(Comparator.comparing(BlobStore.Blob::lastModified));
      if (newest.isPresent()) {
        return Optional.of(new Hit(newest.get().key(), fallback, false));
      }
    }
    return Optional.empty();
  }

  /** Opens a found entry. */
  public Optional<InputStream> open(Hit hit) throws IOException {
    return store.get(hit.key());
  }

  /**
   * Saves an entry.
   *
   * @param key the evaluated cache key, or null for an unkeyed cache
   * @return false when a keyed entry already existed (keyed entries are immutable)
   */
  public boolean save(String key, InputStream content) throws IOException {
    String blob = key == null ? unkeyed() : blobKey(key);
    if (key != null && store.list(blob).stream().anyMatch(b -> b.key().equals(blob))) {
      return false;
    }
    store.put(blob, content);
    return true;
  }
}
