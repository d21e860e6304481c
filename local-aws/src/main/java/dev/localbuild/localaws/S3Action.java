package dev.localbuild.localaws;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The IAM action and resource of an S3 request, for the caller's policy: {@code s3:GetObject} on
 * {@code arn:aws:s3:::bucket/key}, {@code s3:ListBucket} on {@code arn:aws:s3:::bucket}...
 */
record S3Action(String action, String resource) {

  /** A path-style address: {@code /bucket/key}, decoded; either may be empty. */
  record Address(String bucket, String key) {
    static Address of(HttpServerRequest req) {
      String rest = req.path().substring(1);
      int slash = rest.indexOf('/');
      return new Address(
          S3Service.percentDecode(slash < 0 ? rest : rest.substring(0, slash)),
          slash < 0 ? "" : S3Service.percentDecode(rest.substring(slash + 1)));
    }
  }

  /** What IAM calls a request: {@code s3:GetObject} on {@code arn:aws:s3:::bucket/key}... */
  static S3Action of(HttpServerRequest req) {
    Address address = Address.of(req);
    String bucket = address.bucket();
    String key = address.key();
    MultiMap q = req.params();
    HttpMethod m = req.method();
    if (bucket.isEmpty()) {
      return new S3Action("s3:ListAllMyBuckets", "*");
    }
    String bucketArn = "arn:aws:s3:::" + bucket;
    if (key.isEmpty()) {
      String a =
          m == HttpMethod.PUT
              ? "s3:CreateBucket"
              : m == HttpMethod.DELETE
                  ? "s3:DeleteBucket"
                  : m == HttpMethod.POST
                      ? "s3:DeleteObject"
                      : q.contains("location") ? "s3:GetBucketLocation" : "s3:ListBucket";
      return new S3Action(a, m == HttpMethod.POST ? bucketArn + "/*" : bucketArn);
    }
    String a =
        m == HttpMethod.GET || m == HttpMethod.HEAD
            ? "s3:GetObject"
            : m == HttpMethod.DELETE
                ? q.contains("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject"
                : "s3:PutObject";
    return new S3Action(a, bucketArn + "/" + key);
  }
}
