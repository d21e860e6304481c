package dev.localbuild.localaws;

import dev.localbuild.localaws.S3Store.S3Error;
import dev.localbuild.localaws.S3Store.S3Object;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.UnaryOperator;

/**
 * ListObjects (v1, with markers) and ListObjectsV2 (with continuation tokens): keys in order, a
 * prefix, a delimiter rolling keys up into common prefixes, pages of {@code max-keys}, and {@code
 * encoding-type=url}.
 */
final class S3Listing {
  private S3Listing() {}

  /** One page: objects and common prefixes, and the last item when more remain. */
  record Page(List<S3Object> contents, List<String> prefixes, String last, boolean truncated) {}

  static Page page(
      NavigableMap<String, S3Object> index,
      String prefix,
      String delimiter,
      int maxKeys,
      String after) {
    List<S3Object> contents = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    NavigableMap<String, S3Object> from =
        after.compareTo(prefix) > 0 ? index.tailMap(after, false) : index.tailMap(prefix, true);
    for (S3Object o : from.values()) {
      String key = o.key();
      if (!key.startsWith(prefix)) {
        break; // keys are in order: past the prefix, nothing more matches
      }
      // a common prefix already returned (the marker) covers all its keys
      if (!delimiter.isEmpty() && after.endsWith(delimiter) && key.startsWith(after)) {
        continue;
      }
      String common = null;
      if (!delimiter.isEmpty()) {
        int d = key.indexOf(delimiter, prefix.length());
        if (d >= 0) {
          common = key.substring(0, d + delimiter.length());
        }
      }
      if (common != null && common.equals(last)) {
        continue;
      }
      if (contents.size() + prefixes.size() == maxKeys) {
        return new Page(contents, prefixes, last, true);
      }
      if (common != null) {
        prefixes.add(common);
        last = common;
      } else {
        contents.add(o);
        last = key;
      }
    }
    return new Page(contents, prefixes, last, false);
  }

  static String list(S3Store store, String bucket, MultiMap q) throws IOException {
    boolean v2 = "2".equals(q.get("list-type"));
    String prefix = q.get("prefix") == null ? "" : q.get("prefix");
    String delimiter = q.get("delimiter") == null ? "" : q.get("delimiter");
    int maxKeys =
        q.get("max-keys") == null ? 1000 : Math.min(1000, Integer.parseInt(q.get("max-keys")));
    boolean url = "url".equals(q.get("encoding-type"));
    UnaryOperator<String> enc = url ? S3Xml::urlEncode : s -> s;
    String token = q.get("continuation-token");
    String after;
    if (v2) {
      after =
          token != null
              ? decodeToken(token)
              : q.get("start-after") == null ? "" : q.get("start-after");
    } else {
      after = q.get("marker") == null ? "" : q.get("marker");
    }
    Page page = page(store.index(bucket), prefix, delimiter, maxKeys, after);
    S3Xml.El x =
        new S3Xml.El("ListBucketResult").text("Name", bucket).text("Prefix", enc.apply(prefix));
    if (v2) {
      x.text("KeyCount", page.contents().size() + page.prefixes().size());
      if (token != null) {
        x.text("ContinuationToken", token);
      }
      if (q.get("start-after") != null) {
        x.text("StartAfter", enc.apply(q.get("start-after")));
      }
    } else {
      x.text("Marker", enc.apply(after));
    }
    x.text("MaxKeys", maxKeys);
    if (!delimiter.isEmpty()) {
      x.text("Delimiter", enc.apply(delimiter));
    }
    if (url) {
      x.text("EncodingType", "url");
    }
    x.text("IsTruncated", page.truncated());
    if (page.truncated()) {
      if (v2) {
        x.text("NextContinuationToken", encodeToken(page.last()));
      } else if (!delimiter.isEmpty()) {
        x.text("NextMarker", enc.apply(page.last()));
      }
    }
    for (S3Object o : page.contents()) {
      x.start("Contents")
          .text("Key", enc.apply(o.key()))
          .text("LastModified", S3Xml.time(o.lastModified()))
          .text("ETag", "\"" + o.etag() + "\"")
          .text("Size", o.size())
          .text("StorageClass", "STANDARD");
      if (!v2 || "true".equals(q.get("fetch-owner"))) {
        x.start("Owner").text("ID", "localbuild").text("DisplayName", "localbuild").end();
      }
      x.end();
    }
    for (String p : page.prefixes()) {
      x.start("CommonPrefixes").text("Prefix", enc.apply(p)).end();
    }
    return x.close();
  }

  static String encodeToken(String last) {
    return Base64.getUrlEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8));
  }

  static String decodeToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new S3Error(
          "InvalidArgument", "The continuation token provided is incorrect", 400, Map.of());
    }
  }
}
