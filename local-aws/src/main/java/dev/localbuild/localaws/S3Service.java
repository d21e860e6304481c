package dev.localbuild.localaws;

import dev.localbuild.localaws.S3Store.S3Error;
import dev.localbuild.localaws.S3Store.S3Object;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The local S3: S3's REST protocol with path-style addresses ({@code /bucket/key}), which the AWS
 * SDKs use with an endpoint override and path-style access, and which the AWS CLI uses for an
 * endpoint given as an IP address. Buckets (create, head, delete, list), objects (put, copy, get
 * with ranges, head, delete, delete many, list v1 and v2), multipart uploads, and user metadata.
 * Bodies stream to files, never into memory.
 */
final class S3Service {
  private final Vertx vertx;
  private final S3Store store;
  private final String region;

  S3Service(Vertx vertx, Path root, String region) {
    this.vertx = vertx;
    this.store = new S3Store(root);
    this.region = region;
  }

  /** An answer: a status, headers, and an XML body or part of a file. */
  private record Reply(
      int status,
      Map<String, String> headers,
      @Nullable String xml,
      @Nullable Path file,
      long offset,
      long length) {
    static Reply xml(String xml) {
      return new Reply(200, Map.of(), xml, null, 0, 0);
    }

    static Reply empty(int status, Map<String, String> headers) {
      return new Reply(status, headers, null, null, 0, 0);
    }
  }

  void handle(HttpServerRequest req, dev.localbuild.localaws.auth.SigV4Verifier.Signed signed) {
    S3Action.Address address = S3Action.Address.of(req);
    String bucket = address.bucket();
    String key = address.key();
    MultiMap q = req.params();
    HttpMethod m = req.method();
    if (bucket.isEmpty()) {
      if (m == HttpMethod.GET) {
        blocking(req, this::listBuckets);
      } else {
        fail(req, new S3Error("MethodNotAllowed", "Not allowed on the service", 405, Map.of()));
      }
      return;
    }
    if (key.isEmpty()) {
      bucket(req, bucket, q);
      return;
    }
    if (m == HttpMethod.PUT && req.getHeader("x-amz-copy-source") == null) {
      receive(
          req,
          signed,
          body ->
              q.contains("uploadId")
                  ? putPart(req, bucket, key, body)
                  : put(req, bucket, key, body));
    } else if (m == HttpMethod.PUT) {
      blocking(req, () -> copy(req, bucket, key));
    } else if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
      blocking(req, () -> get(req, bucket, key));
    } else if (m == HttpMethod.DELETE && q.contains("uploadId")) {
      blocking(
          req,
          () -> {
            store.abort(bucket, key, q.get("uploadId"));
            return Reply.empty(204, Map.of());
          });
    } else if (m == HttpMethod.DELETE) {
      blocking(
          req,
          () -> {
            store.delete(bucket, key);
            return Reply.empty(204, Map.of());
          });
    } else if (m == HttpMethod.POST && q.contains("uploads")) {
      blocking(
          req,
          () -> {
            String id = store.createUpload(bucket, key, contentType(req), metadata(req.headers()));
            return Reply.xml(
                new S3Xml.El("InitiateMultipartUploadResult")
                    .text("Bucket", bucket)
                    .text("Key", key)
                    .text("UploadId", id)
                    .close());
          });
    } else if (m == HttpMethod.POST && q.contains("uploadId")) {
      req.body()
          .onSuccess(
              b -> blocking(req, () -> complete(bucket, key, q.get("uploadId"), b.toString())));
    } else {
      fail(req, notImplemented(m + " on an object"));
    }
  }

  private void bucket(HttpServerRequest req, String bucket, MultiMap q) {
    HttpMethod m = req.method();
    if (m == HttpMethod.PUT && q.isEmpty()) {
      req.body()
          .onSuccess(b ->
              blocking(
                  req,
                  () -> {
                    if (!store.createBucket(bucket) && !region.equals("us-east-1")) {
                      throw new S3Error(
                          "BucketAlreadyOwnedByYou",
                          "Your previous request to create the named bucket succeeded and you already own"
                              + " it.",
                          409,
                          Map.of("BucketName", bucket));
                    }
                    // us-east-1 answers 200 to re-creating one's own bucket, for compatibility
                    return Reply.empty(200, Map.of("Location", "/" + bucket));
                  }));
    } else if (m == HttpMethod.HEAD) {
      blocking(
          req,
          () -> {
            store.requireBucket(bucket);
            return Reply.empty(200, Map.of("x-amz-bucket-region", region));
          });
    } else if (m == HttpMethod.DELETE && q.isEmpty()) {
      blocking(
          req,
          () -> {
            store.deleteBucket(bucket);
            return Reply.empty(204, Map.of());
          });
    } else if (m == HttpMethod.GET && q.contains("location")) {
      blocking(
          req,
          () -> {
            store.requireBucket(bucket);
            return Reply.xml(
                S3Xml.HEAD
                    + "<LocationConstraint xmlns=\""
                    + S3Xml.NS
                    + "\">"
                    + (region.equals("us-east-1") ? "" : region)
                    + "</LocationConstraint>");
          });
    } else if (m == HttpMethod.GET && onlyListing(q)) {
      blocking(req, () -> Reply.xml(S3Listing.list(store, bucket, q)));
    } else if (m == HttpMethod.POST && q.contains("delete")) {
      req.body().onSuccess(b -> blocking(req, () -> deleteMany(bucket, b.toString())));
    } else {
      fail(req, notImplemented(m + " on a bucket with " + q.names()));
    }
  }

  private static boolean onlyListing(MultiMap q) {
    for (String n : q.names()) {
      if (!List.of(
              "list-type",
              "prefix",
              "delimiter",
              "max-keys",
              "marker",
              "continuation-token",
              "start-after",
              "encoding-type",
              "fetch-owner")
          .contains(n)) {
        return false;
      }
    }
    return true;
  }

  private Reply listBuckets() throws Exception {
    S3Xml.El x =
        new S3Xml.El("ListAllMyBucketsResult")
            .start("Owner")
            .text("ID", "localbuild")
            .text("DisplayName", "localbuild")
            .end()
            .start("Buckets");
    for (S3Store.Bucket b : store.buckets()) {
      x.start("Bucket").text("Name", b.name()).text("CreationDate", S3Xml.time(b.created())).end();
    }
    return Reply.xml(x.close());
  }

  private Reply put(HttpServerRequest req, String bucket, String key, Path body) throws Exception {
    checkMd5(req, body);
    S3Object o = store.put(bucket, key, body, null, contentType(req), metadata(req.headers()));
    return Reply.empty(200, Map.of("ETag", quote(o.etag())));
  }

  private Reply putPart(HttpServerRequest req, String bucket, String key, Path body)
      throws Exception {
    checkMd5(req, body);
    int part = Integer.parseInt(req.getParam("partNumber", "0"));
    String etag = store.putPart(bucket, key, req.getParam("uploadId"), part, body);
    return Reply.empty(200, Map.of("ETag", quote(etag)));
  }

  private Reply complete(String bucket, String key, String uploadId, String xml) throws Exception {
    List<Integer> parts = S3Xml.all(xml, "PartNumber").stream().map(Integer::parseInt).toList();
    S3Object o = store.complete(bucket, key, uploadId, parts);
    return Reply.xml(
        new S3Xml.El("CompleteMultipartUploadResult")
            .text("Location", "/" + bucket + "/" + key)
            .text("Bucket", bucket)
            .text("Key", key)
            .text("ETag", quote(o.etag()))
            .close());
  }

  private Reply copy(HttpServerRequest req, String bucket, String key) throws Exception {
    String source = percentDecode(req.getHeader("x-amz-copy-source"));
    source = source.startsWith("/") ? source.substring(1) : source;
    int slash = source.indexOf('/');
    if (slash < 1) {
      throw new S3Error(
          "InvalidArgument", "Copy Source must mention the source bucket and key", 400, Map.of());
    }
    String fromBucket = source.substring(0, slash);
    String fromKey = source.substring(slash + 1).replaceFirst("\\?versionId=.*$", "");
    S3Object from = store.head(fromBucket, fromKey);
    Path tmp = store.incoming();
    Files.copy(
        store.data(fromBucket, fromKey), tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    boolean replace = "REPLACE".equals(req.getHeader("x-amz-metadata-directive"));
    S3Object o =
        store.put(
            bucket,
            key,
            tmp,
            from.etag(),
            replace ? contentType(req) : from.contentType(),
            replace ? metadata(req.headers()) : from.metadata());
    return Reply.xml(
        new S3Xml.El("CopyObjectResult")
            .text("ETag", quote(o.etag()))
            .text("LastModified", S3Xml.time(o.lastModified()))
            .close());
  }

  private Reply get(HttpServerRequest req, String bucket, String key) throws Exception {
    S3Object o = store.head(bucket, key);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("ETag", quote(o.etag()));
    h.put("Last-Modified", S3Xml.httpDate(o.lastModified()));
    h.put("Content-Type", o.contentType());
    h.put("Accept-Ranges", "bytes");
    o.metadata().forEach((k, v) -> h.put("x-amz-meta-" + k, v));
    long from = 0;
    long length = o.size();
    int status = 200;
    String range = req.getHeader("Range");
    if (range != null && range.startsWith("bytes=") && !range.contains(",")) {
      String[] ab = range.substring(6).split("-", -1);
      if (ab[0].isEmpty()) {
        length = Math.min(o.size(), Long.parseLong(ab[1]));
        from = o.size() - length;
      } else {
        from = Long.parseLong(ab[0]);
        long to = ab[1].isEmpty() ? o.size() - 1 : Math.min(o.size() - 1, Long.parseLong(ab[1]));
        if (from >= o.size() || to < from) {
          throw new S3Error(
              "InvalidRange",
              "The requested range is not satisfiable",
              416,
              Map.of("RangeRequested", range, "ActualObjectSize", Long.toString(o.size())));
        }
        length = to - from + 1;
      }
      status = 206;
      h.put("Content-Range", "bytes " + from + "-" + (from + length - 1) + "/" + o.size());
    }
    if (req.method() == HttpMethod.HEAD) {
      h.put("Content-Length", Long.toString(length));
      return Reply.empty(status, h);
    }
    return new Reply(status, h, null, store.data(bucket, key), from, length);
  }

  private Reply deleteMany(String bucket, String xml) throws Exception {
    store.requireBucket(bucket);
    boolean quiet = S3Xml.all(xml, "Quiet").contains("true");
    S3Xml.El x = new S3Xml.El("DeleteResult");
    for (String k : S3Xml.all(xml, "Key")) {
      store.delete(bucket, k);
      if (!quiet) {
        x.start("Deleted").text("Key", k).end();
      }
    }
    return Reply.xml(x.close());
  }

  /** Streams a request's body to a file, decoding aws-chunked, then hands the file on. */
  private void receive(
      HttpServerRequest req,
      dev.localbuild.localaws.auth.SigV4Verifier.Signed signed,
      BodyHandler then) {
    req.pause();
    Path raw;
    try {
      raw = store.incoming();
    } catch (java.io.IOException e) {
      req.resume();
      fail(req, new S3Error("InternalError", e.getMessage(), 500, Map.of()));
      return;
    }
    vertx
        .fileSystem()
        .open(raw.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
        .compose(file -> req.pipeTo(file))
        .onComplete(ar -> {
          if (ar.failed()) {
            deleteQuietly(raw);
            fail(req, new S3Error("IncompleteBody", String.valueOf(ar.cause()), 400, Map.of()));
            return;
          }
          blocking(
              req,
              () -> {
                Path body = raw;
                try {
                  body = S3Upload.signedBody(raw, signed, req.getHeader("Content-Encoding"), store);
                  return then.accept(body);
                } finally {
                  deleteQuietly(raw);
                  deleteQuietly(body);
                }
              });
        });
  }

  /** An error before any handling: a refused signature or a denied call. */
  void refuse(
      HttpServerRequest req, String code, String message, int status, Map<String, String> details) {
    // the body is read and dropped first: a client that streams an upload (after 100-continue)
    // reads no answer until it has sent it all, and would wait for ever on an early one
    req.handler(ignored -> {});
    req.end().onComplete(done -> fail(req, new S3Error(code, message, status, details)));
  }

  @FunctionalInterface
  private interface BodyHandler {
    Reply accept(Path body) throws Exception;
  }

  private void blocking(HttpServerRequest req, Callable<Reply> work) {
    vertx
        .executeBlocking(work, false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            send(req, ar.result());
          } else {
            fail(req, ar.cause());
          }
        });
  }

  private void send(HttpServerRequest req, Reply r) {
    HttpServerResponse res = req.response().setStatusCode(r.status());
    res.putHeader("x-amz-request-id", requestId());
    r.headers().forEach(res::putHeader);
    if (r.xml() != null) {
      res.putHeader("Content-Type", "application/xml").end(r.xml());
    } else if (r.file() != null) {
      res.putHeader("Content-Length", Long.toString(r.length()));
      Future<Void> sent = res.sendFile(r.file().toString(), r.offset(), r.length());
      sent.onFailure(e -> res.reset());
    } else {
      res.end();
    }
  }

  private void fail(HttpServerRequest req, Throwable cause) {
    S3Error e =
        cause instanceof S3Error s
            ? s
            : new S3Error("InternalError", String.valueOf(cause), 500, Map.of());
    HttpServerResponse res = req.response().setStatusCode(e.status);
    String id = requestId();
    res.putHeader("x-amz-request-id", id);
    if (req.method() == HttpMethod.HEAD) {
      res.end(); // HEAD answers have no body: the status says it
    } else {
      res.putHeader("Content-Type", "application/xml")
          .end(S3Xml.error(e.code, e.getMessage(), e.details, id));
    }
  }

  private static S3Error notImplemented(String what) {
    return new S3Error("NotImplemented", "The local AWS does not implement " + what, 501, Map.of());
  }

  private static void checkMd5(HttpServerRequest req, Path body) throws Exception {
    String md5 = req.getHeader("Content-MD5");
    if (md5 != null
        && !HexFormat.of().formatHex(Base64.getDecoder().decode(md5)).equals(S3Store.md5(body))) {
      throw new S3Error(
          "BadDigest",
          "The Content-MD5 you specified did not match what we received.",
          400,
          Map.of());
    }
  }

  private static String contentType(HttpServerRequest req) {
    String t = req.getHeader("Content-Type");
    return t == null || t.isBlank() ? "binary/octet-stream" : t;
  }

  /** User metadata: the {@code x-amz-meta-*} headers, names in lower case as S3 keeps them. */
  static Map<String, String> metadata(MultiMap headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach(e -> {
      String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (n.startsWith("x-amz-meta-")) {
        out.put(n.substring("x-amz-meta-".length()), e.getValue());
      }
    });
    return out;
  }

  private static String quote(String etag) {
    return "\"" + etag + "\"";
  }

  private static String requestId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (java.io.IOException e) {
      // a leftover in .incoming is harmless
    }
  }

  /** Percent-decoding of a path: unlike form decoding, {@code +} stays a plus. */
  static String percentDecode(String s) {
    return s.indexOf('%') < 0
        ? s
        : java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
