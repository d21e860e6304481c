package dev.localbuild.localaws.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4Properties;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4RequestSigningResult;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks AWS Signature Version 4 by signing the request again with the AWS SDK's own SigV4 signer
 * and comparing. The SDK's public signer ({@code AwsV4HttpSigner}) always adds and signs {@code
 * x-amz-content-sha256}, which the AWS CLI does not send to JSON services, so this uses the signer
 * beneath it ({@code DefaultV4RequestSigner}): it canonicalizes exactly the headers the client
 * signed, with the payload hash the client signed, and derives the key and signature as every SDK
 * does. It is marked internal to the SDK; {@code SigV4VerifierTest} signs with the SDK's public
 * signer and the AWS CLI and would fail first on an SDK upgrade that changed it.
 *
 * <p>Both the {@code Authorization} header and presigned URLs ({@code X-Amz-Signature} in the
 * query) are checked; a request is stale when {@code X-Amz-Date} is further than {@code skew} from
 * now, a presigned URL once {@code X-Amz-Expires} has passed.
 */
public final class SigV4Verifier {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern AUTH =
      Pattern.compile(
          "AWS4-HMAC-SHA256\\s+Credential=([^,\\s]+)\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");

  private final Function<String, Optional<AccessKey>> keys;
  private final Clock clock;

  /**
   * @param keys finds the key of an access key id
   */
  public SigV4Verifier(Function<String, Optional<AccessKey>> keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** The outcome of a check. */
  public sealed interface Verdict {}

  /**
   * A request signed with a key this local AWS knows.
   *
   * @param signingKey the derived key, for aws-chunked payloads' chunk signatures
   * @param signature the request's signature (the seed of the chunk signatures)
   * @param amzDate the request's X-Amz-Date
   * @param scope {@code date/region/service/aws4_request}
   * @param contentSha256 what the client signed as the payload's hash
   */
  public record Signed(
      AccessKey key,
      byte[] signingKey,
      String signature,
      String amzDate,
      String scope,
      String contentSha256)
      implements Verdict {}

  /** A refused request. */
  public record Refused(AuthFailure failure) implements Verdict {}

  /** What the credential scope of a request says. */
  record Credential(String accessKeyId, String date, String region, String service) {
    static @Nullable Credential parse(String text) {
      String[] p = text.split("/");
      if (p.length != 5 || !"aws4_request".equals(p[4])) {
        return null;
      }
      return new Credential(p[0], p[1], p[2], p[3]);
    }

    String scope() {
      return date + "/" + region + "/" + service + "/aws4_request";
    }
  }

  /**
   * Checks a request.
   *
   * @param skew how far X-Amz-Date may be from now (AWS: 5 minutes for JSON services, 15 for STS
   *     and S3)
   */
  public Verdict verify(SignedRequest r, Duration skew) {
    Map<String, String> query = query(r.rawQuery());
    boolean presigned = query.containsKey("X-Amz-Signature");
    String authorization = r.header("authorization");
    if (!presigned && authorization == null) {
      return refuse(AuthFailure.Kind.MISSING, "");
    }
    String credentialText;
    String signedHeaders;
    String signature;
    String amzDate;
    if (presigned) {
      if (!ALGORITHM.equals(query.get("X-Amz-Algorithm"))) {
        return refuse(AuthFailure.Kind.MALFORMED, "X-Amz-Algorithm must be " + ALGORITHM);
      }
      credentialText = query.getOrDefault("X-Amz-Credential", "");
      signedHeaders = query.getOrDefault("X-Amz-SignedHeaders", "");
      signature = query.getOrDefault("X-Amz-Signature", "");
      amzDate = query.getOrDefault("X-Amz-Date", "");
    } else {
      Matcher m = AUTH.matcher(authorization);
      if (!m.matches()) {
        return refuse(
            AuthFailure.Kind.MALFORMED,
            authorization.startsWith(ALGORITHM)
                ? "Authorization header requires Credential, SignedHeaders and Signature"
                : "Unsupported authorization type");
      }
      credentialText = m.group(1);
      signedHeaders = m.group(2);
      signature = m.group(3);
      amzDate = String.valueOf(r.header("x-amz-date"));
    }
    Credential credential = Credential.parse(credentialText);
    if (credential == null) {
      return refuse(AuthFailure.Kind.MALFORMED, "Credential should be scoped to a valid region");
    }
    Instant signedAt;
    try {
      signedAt = Instant.from(AMZ_DATE.parse(amzDate));
    } catch (DateTimeParseException e) {
      return refuse(AuthFailure.Kind.MALFORMED, "X-Amz-Date is not a date: " + amzDate);
    }
    if (!amzDate.startsWith(credential.date())) {
      return refuse(AuthFailure.Kind.BAD_SIGNATURE, "the credential's date is not X-Amz-Date's");
    }
    Optional<AccessKey> found = keys.apply(credential.accessKeyId());
    if (found.isEmpty()) {
      return refuse(AuthFailure.Kind.UNKNOWN_KEY, credential.accessKeyId());
    }
    AccessKey key = found.get();
    Instant now = clock.instant();
    if (presigned) {
      long expires = parseLong(query.get("X-Amz-Expires"), 0);
      if (expires <= 0 || now.isAfter(signedAt.plusSeconds(expires))) {
        return refuse(AuthFailure.Kind.PRESIGN_EXPIRED, amzDate);
      }
    } else if (now.isAfter(signedAt.plus(skew)) || now.isBefore(signedAt.minus(skew))) {
      return refuse(
          AuthFailure.Kind.STALE,
          amzDate
              + (now.isAfter(signedAt) ? " is now earlier than " : " is now later than ")
              + AMZ_DATE.format(now.minus(skew))
              + " ("
              + AMZ_DATE.format(now)
              + " - "
              + skew.toMinutes()
              + " min.)");
    }
    if (!key.isRoot()) {
      String token =
          presigned ? query.get("X-Amz-Security-Token") : r.header("x-amz-security-token");
      if (token == null || !MessageDigest.isEqual(bytes(token), bytes(key.sessionToken()))) {
        return refuse(AuthFailure.Kind.BAD_TOKEN, key.accessKeyId());
      }
      if (key.expiredAt(now)) {
        return refuse(AuthFailure.Kind.EXPIRED_TOKEN, key.accessKeyId());
      }
    }
    String contentSha256 =
        presigned
            ? "UNSIGNED-PAYLOAD"
            : Optional.ofNullable(r.header("x-amz-content-sha256"))
                .orElse(r.bodySha256() == null ? "UNSIGNED-PAYLOAD" : r.bodySha256());
    if (r.bodySha256() != null
        && contentSha256.matches("[0-9a-f]{64}")
        && !contentSha256.equals(r.bodySha256())) {
      // the body that came is not the one whose hash was signed
      return refuse(AuthFailure.Kind.BAD_SIGNATURE, "x-amz-content-sha256 is not the body's");
    }
    V4RequestSigningResult again =
        sign(r, query, presigned, signedHeaders, credential, signedAt, key, contentSha256);
    if (!MessageDigest.isEqual(bytes(again.getSignature()), bytes(signature))) {
      return refuse(
          AuthFailure.Kind.BAD_SIGNATURE, again.getCanonicalRequest().getCanonicalRequestString());
    }
    return new Signed(
        key, again.getSigningKey(), signature, amzDate, credential.scope(), contentSha256);
  }

  /** Signs the request as the client must have, with the SDK's signer. */
  private static V4RequestSigningResult sign(
      SignedRequest r,
      Map<String, String> query,
      boolean presigned,
      String signedHeaders,
      Credential credential,
      Instant signedAt,
      AccessKey key,
      String contentSha256) {
    String host = String.valueOf(r.header("host"));
    int colon = host.lastIndexOf(':');
    SdkHttpRequest.Builder b =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(r.method()))
            .protocol("http")
            .host(colon > 0 ? host.substring(0, colon) : host)
            .encodedPath(r.rawPath());
    if (colon > 0) {
      b.port(Integer.parseInt(host.substring(colon + 1)));
    }
    query.forEach((k, v) -> {
      if (!presigned || !k.equals("X-Amz-Signature")) {
        b.appendRawQueryParameter(k, v);
      }
    });
    for (String name : signedHeaders.split(";")) {
      List<String> values = r.headers().get(name);
      if (values != null) {
        values.forEach(v -> b.appendHeader(name, v));
      }
    }
    boolean s3 = credential.service().equals("s3");
    V4Properties properties =
        V4Properties.builder()
            .credentials(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey()))
            .credentialScope(
                new CredentialScope(credential.region(), credential.service(), signedAt))
            .signingClock(Clock.fixed(signedAt, ZoneOffset.UTC))
            // S3 signs the path as sent; every other service encodes it once more (SigV4's rule)
            .doubleUrlEncode(!s3)
            .normalizePath(!s3)
            .build();
    return new DefaultV4RequestSigner(properties, contentSha256).sign(b);
  }

  /** The query's parameters, percent-decoded ({@code +} stays a plus, as SigV4 encodes it). */
  static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(decode(k), decode(v));
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static long parseLong(@Nullable String s, long otherwise) {
    try {
      return s == null ? otherwise : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Refused refuse(AuthFailure.Kind kind, String detail) {
    return new Refused(new AuthFailure(kind, detail));
  }
}
