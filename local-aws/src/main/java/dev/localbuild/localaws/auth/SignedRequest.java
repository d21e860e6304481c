package dev.localbuild.localaws.auth;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the verifier needs of an HTTP request, as it arrived.
 *
 * @param method GET, PUT...
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string as sent, or null
 * @param headers by lower-case name
 * @param bodySha256 the hex SHA-256 of the body when the server has read it whole (JSON and query
 *     protocols), else null (S3 streams bodies: its {@code x-amz-content-sha256} header is what was
 *     signed, and the body is checked against it as it is stored)
 */
public record SignedRequest(
    String method,
    String rawPath,
    @Nullable String rawQuery,
    Map<String, List<String>> headers,
    @Nullable String bodySha256) {
  public SignedRequest {
    Map<String, List<String>> lower = new TreeMap<>();
    headers.forEach((k, v) ->
        lower.merge(
            k.toLowerCase(java.util.Locale.ROOT),
            List.copyOf(v),
            (a, b) -> {
              var all = new java.util.ArrayList<>(a);
              all.addAll(b);
              return List.copyOf(all);
            }));
    headers = java.util.Collections.unmodifiableMap(lower);
  }

  public @Nullable String header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
