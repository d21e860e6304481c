package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The local S3's buckets and objects, in the state directory: one directory per bucket, each object
 * a data file and a JSON file of its metadata, named by the SHA-256 of its key (keys may hold any
 * character). Each bucket's index of keys is read once and kept in order, as listings need it.
 * Calls are blocking; the HTTP side runs them off the event loop.
 */
final class S3Store {
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** An object's description. */
  record S3Object(
      String key,
      long size,
      String etag,
      Instant lastModified,
      String contentType,
      Map<String, String> metadata) {}

  /** A bucket's description. */
  record Bucket(String name, Instant created) {}

  private final Path root;
  private final Map<String, NavigableMap<String, S3Object>> indexes = new LinkedHashMap<>();

  S3Store(Path root) {
    this.root = root;
  }

  /** An S3 error: its code, message and HTTP status. */
  static final class S3Error extends RuntimeException {
    final String code;
    final int status;
    final Map<String, String> details;

    S3Error(String code, String message, int status, Map<String, String> details) {
      super(message);
      this.code = code;
      this.status = status;
      this.details = details;
    }

    static S3Error noSuchBucket(String bucket) {
      return new S3Error(
          "NoSuchBucket", "The specified bucket does not exist", 404, Map.of("BucketName", bucket));
    }

    static S3Error noSuchKey(String key) {
      return new S3Error("NoSuchKey", "The specified key does not exist.", 404, Map.of("Key", key));
    }
  }

  synchronized List<Bucket> buckets() throws IOException {
    List<Bucket> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.sorted().toList()) {
        Path meta = d.resolve("bucket.json");
        if (Files.exists(meta)) {
          JsonNode n = Json.MAPPER.readTree(meta.toFile());
          out.add(new Bucket(n.path("name").asText(), Instant.parse(n.path("created").asText())));
        }
      }
    }
    return out;
  }

  /**
   * @return false when the bucket already existed
   */
  synchronized boolean createBucket(String name) throws IOException {
    if (!BUCKET_NAME.matcher(name).matches() || name.contains("..")) {
      throw new S3Error(
          "InvalidBucketName",
          "The specified bucket is not valid.",
          400,
          Map.of("BucketName", name));
    }
    Path dir = root.resolve(name);
    if (Files.exists(dir.resolve("bucket.json"))) {
      return false;
    }
    Files.createDirectories(dir.resolve("objects"));
    Files.writeString(
        dir.resolve("bucket.json"),
        Json.object().put("name", name).put("created", Instant.now().toString()).toString());
    return true;
  }

  synchronized void requireBucket(String name) {
    if (!exists(name)) {
      throw S3Error.noSuchBucket(name);
    }
  }

  private boolean exists(String bucket) {
    return !bucket.contains("/")
        && !bucket.startsWith(".")
        && Files.exists(root.resolve(bucket).resolve("bucket.json"));
  }

  synchronized void deleteBucket(String name) throws IOException {
    requireBucket(name);
    if (!index(name).isEmpty()) {
      throw new S3Error(
          "BucketNotEmpty",
          "The bucket you tried to delete is not empty",
          409,
          Map.of("BucketName", name));
    }
    Files.delete(root.resolve(name).resolve("bucket.json"));
    Files.deleteIfExists(root.resolve(name).resolve("objects"));
    Files.deleteIfExists(root.resolve(name));
    indexes.remove(name);
  }

  /** The bucket's objects in key order. */
  synchronized NavigableMap<String, S3Object> index(String bucket) throws IOException {
    requireBucket(bucket);
    NavigableMap<String, S3Object> index = indexes.get(bucket);
    if (index == null) {
      index = new TreeMap<>();
      try (Stream<Path> files = Files.list(root.resolve(bucket).resolve("objects"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          S3Object o = read(Json.MAPPER.readTree(f.toFile()));
          index.put(o.key(), o);
        }
      }
      indexes.put(bucket, index);
    }
    return index;
  }

  synchronized S3Object head(String bucket, String key) throws IOException {
    S3Object o = index(bucket).get(key);
    if (o == null) {
      throw S3Error.noSuchKey(key);
    }
    return o;
  }

  /** The file holding an object's bytes. */
  Path data(String bucket, String key) {
    return root.resolve(bucket).resolve("objects").resolve(fileName(key) + ".data");
  }

  /**
   * Stores an object whose bytes are in {@code content} (moved into the store).
   *
   * @param etag the ETag, or null to use the content's MD5
   */
  synchronized S3Object put(
      String bucket,
      String key,
      Path content,
      @Nullable String etag,
      String contentType,
      Map<String, String> metadata)
      throws IOException {
    requireBucket(bucket);
    if (key.isEmpty() || key.length() > 1024) {
      throw new S3Error("KeyTooLongError", "Your key is too long", 400, Map.of());
    }
    S3Object o =
        new S3Object(
            key,
            Files.size(content),
            etag == null ? md5(content) : etag,
            Instant.now(),
            contentType,
            metadata);
    Path data = data(bucket, key);
    Files.move(content, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path meta = data.resolveSibling(fileName(key) + ".json");
    Path tmp = meta.resolveSibling(meta.getFileName() + ".tmp");
    Files.writeString(tmp, write(o).toString());
    Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    index(bucket).put(key, o);
    return o;
  }

  synchronized void delete(String bucket, String key) throws IOException {
    requireBucket(bucket);
    Files.deleteIfExists(data(bucket, key));
    Files.deleteIfExists(data(bucket, key).resolveSibling(fileName(key) + ".json"));
    index(bucket).remove(key);
  }

  /** A temporary file in the store's file system, for an upload on its way in. */
  Path incoming() throws IOException {
    Path dir = Files.createDirectories(root.resolve(".incoming"));
    return Files.createTempFile(dir, "put-", ".tmp");
  }

  // multipart uploads: a directory per upload with its parts, until completed or aborted

  synchronized String createUpload(
      String bucket, String key, String contentType, Map<String, String> metadata)
      throws IOException {
    requireBucket(bucket);
    String id = UUID.randomUUID().toString().replace("-", "");
    Path dir = Files.createDirectories(root.resolve(".uploads").resolve(id));
    ObjectNode n = write(new S3Object(key, 0, "", Instant.now(), contentType, metadata));
    n.put("bucket", bucket);
    Files.writeString(dir.resolve("upload.json"), n.toString());
    return id;
  }

  private Path upload(String bucket, String key, String uploadId) throws IOException {
    Path dir = root.resolve(".uploads").resolve(uploadId.replaceAll("[^a-f0-9]", ""));
    Path meta = dir.resolve("upload.json");
    if (!Files.exists(meta)) {
      throw new S3Error(
          "NoSuchUpload",
          "The specified upload does not exist. The upload ID may be invalid, or the upload may"
              + " have been aborted or completed.",
          404,
          Map.of("UploadId", uploadId));
    }
    JsonNode n = Json.MAPPER.readTree(meta.toFile());
    if (!n.path("bucket").asText().equals(bucket) || !n.path("key").asText().equals(key)) {
      throw new S3Error("NoSuchUpload", "The upload is for another object", 404, Map.of());
    }
    return dir;
  }

  /**
   * @return the part's ETag
   */
  synchronized String putPart(String bucket, String key, String uploadId, int part, Path content)
      throws IOException {
    Path dir = upload(bucket, key, uploadId);
    if (part < 1 || part > 10000) {
      throw new S3Error(
          "InvalidArgument",
          "Part number must be an integer between 1 and 10000, inclusive",
          400,
          Map.of());
    }
    String etag = md5(content);
    Files.move(content, dir.resolve("part-" + part), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("part-" + part + ".etag"), etag);
    return etag;
  }

  /** Joins the listed parts, in order, into the object; the ETag is S3's {@code md5-of-md5s-N}. */
  synchronized S3Object complete(String bucket, String key, String uploadId, List<Integer> parts)
      throws IOException {
    Path dir = upload(bucket, key, uploadId);
    S3Object meta = read(Json.MAPPER.readTree(dir.resolve("upload.json").toFile()));
    Path joined = incoming();
    MessageDigest md5s = digest("MD5");
    try (OutputStream out = Files.newOutputStream(joined)) {
      for (int p : parts) {
        Path part = dir.resolve("part-" + p);
        if (!Files.exists(part)) {
          throw new S3Error(
              "InvalidPart",
              "One or more of the specified parts could not be found.",
              400,
              Map.of("PartNumber", Integer.toString(p)));
        }
        md5s.update(HexFormat.of().parseHex(Files.readString(dir.resolve("part-" + p + ".etag"))));
        Files.copy(part, out);
      }
    }
    String etag = HexFormat.of().formatHex(md5s.digest()) + "-" + parts.size();
    S3Object o = put(bucket, key, joined, etag, meta.contentType(), meta.metadata());
    abort(bucket, key, uploadId);
    return o;
  }

  synchronized void abort(String bucket, String key, String uploadId) throws IOException {
    Path dir = upload(bucket, key, uploadId);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  static String md5(Path file) throws IOException {
    MessageDigest md = digest("MD5");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String fileName(String key) {
    return HexFormat.of().formatHex(digest("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static ObjectNode write(S3Object o) {
    ObjectNode n =
        Json.object()
            .put("key", o.key())
            .put("size", o.size())
            .put("etag", o.etag())
            .put("lastModified", o.lastModified().toString())
            .put("contentType", o.contentType());
    ObjectNode m = n.putObject("metadata");
    o.metadata().forEach(m::put);
    return n;
  }

  private static S3Object read(JsonNode n) {
    Map<String, String> metadata = new LinkedHashMap<>();
    n.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    return new S3Object(
        n.path("key").asText(),
        n.path("size").asLong(),
        n.path("etag").asText(),
        Instant.parse(n.path("lastModified").asText()),
        n.path("contentType").asText("binary/octet-stream"),
        metadata);
  }
}
