package dev.localbuild.localaws.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Requests signed by the AWS SDK's public signer verify; any change to what was signed, a key the
 * local AWS never issued, a stale date or a missing signature is refused. (The AWS CLI's signer is
 * exercised against the running server in LocalAwsAuthIT.)
 */
class SigV4VerifierTest {
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  static final AccessKey ROOT =
      new AccessKey("LKIAROOT", "root-secret", null, "arn:aws:iam::000000000000:root", null, null);
  static final AccessKey SESSION =
      new AccessKey(
          "ASIASESSION",
          "session-secret",
          "the-token",
          "arn:aws:sts::000000000000:assumed-role/r/s",
          "r",
          NOW.plusSeconds(3600));

  final SigV4Verifier verifier =
      new SigV4Verifier(
          id ->
              Optional.ofNullable(
                  Map.of(ROOT.accessKeyId(), ROOT, SESSION.accessKeyId(), SESSION).get(id)),
          Clock.fixed(NOW, ZoneOffset.UTC));

  static SdkHttpRequest.Builder ssmRequest() {
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .protocol("http")
        .host("127.0.0.1")
        .port(4590)
        .encodedPath("/")
        .putHeader("Host", "127.0.0.1:4590")
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("X-Amz-Target", "AmazonSSM.GetParameter");
  }

  static final String BODY = "{\"Name\":\"/CodeBuild/token\"}";

  /** Signs with the SDK's public signer at a given time, as an SDK client would. */
  static SdkHttpRequest sign(
      SdkHttpRequest.Builder req,
      String service,
      AwsCredentialsIdentity key,
      Instant at,
      String body) {
    return AwsV4HttpSigner.create()
        .sign(r ->
            r.identity(key)
                .request(req.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !service.equals("s3"))
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !service.equals("s3")))
        .request();
  }

  static SignedRequest received(SdkHttpRequest r, String body) {
    Map<String, List<String>> headers = new LinkedHashMap<>(r.headers());
    String query = r.encodedQueryParameters().orElse(null);
    return new SignedRequest(r.method().name(), r.encodedPath(), query, headers, sha256(body));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static AwsCredentialsIdentity id(AccessKey k) {
    return k.sessionToken() == null
        ? AwsCredentialsIdentity.create(k.accessKeyId(), k.secretAccessKey())
        : AwsSessionCredentialsIdentity.create(
            k.accessKeyId(), k.secretAccessKey(), k.sessionToken());
  }

  SigV4Verifier.Verdict verify(SignedRequest r) {
    return verifier.verify(r, Duration.ofMinutes(5));
  }

  @Test
  void aRequestSignedByTheSdkVerifiesAsItsKey() {
    var signed = sign(ssmRequest(), "ssm", id(ROOT), NOW, BODY);
    assertThat(verify(received(signed, BODY)))
        .isInstanceOfSatisfying(
            SigV4Verifier.Signed.class, s -> assertThat(s.key()).isEqualTo(ROOT));
  }

  @Test
  void aSessionVerifiesOnlyWithItsToken() {
    var signed = sign(ssmRequest(), "ssm", id(SESSION), NOW, BODY);
    assertThat(verify(received(signed, BODY))).isInstanceOf(SigV4Verifier.Signed.class);
    var withoutToken =
        received(signed.toBuilder().removeHeader("X-Amz-Security-Token").build(), BODY);
    assertThat(refusal(verify(withoutToken))).isEqualTo(AuthFailure.Kind.BAD_TOKEN);
  }

  @Test
  void aChangedBodyOrHeaderIsABadSignature() {
    var signed = sign(ssmRequest(), "ssm", id(ROOT), NOW, BODY);
    String other = "{\"Name\":\"/CodeBuild/other\"}";
    assertThat(refusal(verify(received(signed, other)))).isEqualTo(AuthFailure.Kind.BAD_SIGNATURE);
    var retargeted = signed.toBuilder().putHeader("X-Amz-Target", "AmazonSSM.PutParameter").build();
    assertThat(refusal(verify(received(retargeted, BODY))))
        .isEqualTo(AuthFailure.Kind.BAD_SIGNATURE);
  }

  @Test
  void aWrongSecretIsABadSignature() {
    var signed =
        sign(ssmRequest(), "ssm", AwsCredentialsIdentity.create("LKIAROOT", "guess"), NOW, BODY);
    assertThat(refusal(verify(received(signed, BODY)))).isEqualTo(AuthFailure.Kind.BAD_SIGNATURE);
  }

  @Test
  void anUnknownKeyIsRefused() {
    var signed =
        sign(ssmRequest(), "ssm", AwsCredentialsIdentity.create("AKIAOTHER", "x"), NOW, BODY);
    assertThat(refusal(verify(received(signed, BODY)))).isEqualTo(AuthFailure.Kind.UNKNOWN_KEY);
  }

  @Test
  void aStaleRequestIsRefusedWithAwsText() {
    var signed = sign(ssmRequest(), "ssm", id(ROOT), NOW.minus(Duration.ofMinutes(6)), BODY);
    var v = verify(received(signed, BODY));
    assertThat(refusal(v)).isEqualTo(AuthFailure.Kind.STALE);
    assertThat(ErrorShapes.json(((SigV4Verifier.Refused) v).failure()).message())
        .isEqualTo(
            "Signature expired: 20261202T095400Z is now earlier than 20261202T095500Z (20261202T100000Z - 5 min.)");
  }

  @Test
  void anUnsignedRequestIsMissingAuthentication() {
    var r = received(ssmRequest().build(), BODY);
    assertThat(refusal(verify(r))).isEqualTo(AuthFailure.Kind.MISSING);
    assertThat(ErrorShapes.json(new AuthFailure(AuthFailure.Kind.MISSING, "")).code())
        .isEqualTo("MissingAuthenticationTokenException");
    assertThat(ErrorShapes.s3(new AuthFailure(AuthFailure.Kind.MISSING, "")).code())
        .isEqualTo("AccessDenied");
  }

  @Test
  void s3SignsThePathAsSentAndThePayloadHashItClaims() {
    String body = "hello";
    var req =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.PUT)
            .protocol("http")
            .host("127.0.0.1")
            .port(4590)
            .encodedPath("/bucket/a%20key%2Bplus/x.txt")
            .putHeader("Host", "127.0.0.1:4590")
            .putHeader("x-amz-content-sha256", sha256(body));
    var signed = sign(req, "s3", id(ROOT), NOW, body);
    // S3 streams the body: the verifier sees only the claimed hash
    var received =
        new SignedRequest(
            "PUT", signed.encodedPath(), null, new LinkedHashMap<>(signed.headers()), null);
    assertThat(verify(received))
        .isInstanceOfSatisfying(
            SigV4Verifier.Signed.class, s -> assertThat(s.contentSha256()).isEqualTo(sha256(body)));
  }

  @Test
  void aPresignedUrlVerifiesUntilItExpires() {
    var req =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("http")
            .host("127.0.0.1")
            .port(4590)
            .encodedPath("/bucket/key.txt")
            .putHeader("Host", "127.0.0.1:4590");
    SdkHttpRequest presigned =
        AwsV4HttpSigner.create()
            .sign(r ->
                r.identity(id(ROOT))
                    .request(req.build())
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC))
                    .putProperty(
                        AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(10))
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false))
            .request();
    Map<String, List<String>> headers = new LinkedHashMap<>(presigned.headers());
    headers.remove("x-amz-content-sha256");
    var r =
        new SignedRequest(
            "GET",
            presigned.encodedPath(),
            presigned.encodedQueryParameters().orElseThrow(),
            headers,
            null);
    assertThat(verify(r)).isInstanceOf(SigV4Verifier.Signed.class);
    var later =
        new SigV4Verifier(
            id -> Optional.of(ROOT), Clock.fixed(NOW.plusSeconds(601), ZoneOffset.UTC));
    assertThat(refusal(later.verify(r, Duration.ofMinutes(15))))
        .isEqualTo(AuthFailure.Kind.PRESIGN_EXPIRED);
    var tampered = new SignedRequest("GET", "/bucket/other.txt", r.rawQuery(), headers, null);
    assertThat(refusal(verify(tampered))).isEqualTo(AuthFailure.Kind.BAD_SIGNATURE);
  }

  static AuthFailure.Kind refusal(SigV4Verifier.Verdict v) {
    assertThat(v).isInstanceOf(SigV4Verifier.Refused.class);
    return ((SigV4Verifier.Refused) v).failure().kind();
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
