package dev.localbuild.cache.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where cache archives live: a local directory, an S3 bucket. Keys are {@code /}-separated. */
public interface BlobStore {
  /** A stored blob. */
  record Blob(String key, long size, Instant lastModified) {}

  /** Opens a blob for reading; empty when there is none. */
  Optional<InputStream> get(String key) throws IOException;

  /** Stores a blob, replacing any with the same key; visible only once complete. */
  void put(String key, InputStream content) throws IOException;

  /** The blobs whose keys start with a prefix. */
  List<Blob> list(String prefix) throws IOException;

  /** Removes a blob; no error when there is none. */
  void delete(String key) throws IOException;
}
