package dev.localbuild.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whether a delivery comes from the host that knows the webhook's secret, each host's way: GitHub
 * and Bitbucket sign the body ({@code X-Hub-Signature-256}, {@code X-Hub-Signature}: {@code
 * sha256=<hex HMAC-SHA256>}); GitLab sends the secret itself ({@code X-Gitlab-Token}). Comparisons
 * take the same time whatever the mismatch.
 */
public final class WebhookSignatures {
  private WebhookSignatures() {}

  /**
   * @param headers a request header by name (any case)
   * @return why the delivery is refused; empty when it is genuine
   */
  public static Optional<String> refuses(
      String provider, Function<String, String> headers, byte[] body, String secret) {
    return switch (provider) {
      case "GITHUB" ->
          hmac("X-Hub-Signature-256", headers.apply("X-Hub-Signature-256"), body, secret);
      case "BITBUCKET" -> hmac("X-Hub-Signature", headers.apply("X-Hub-Signature"), body, secret);
      case "GITLAB" -> {
        String token = headers.apply("X-Gitlab-Token");
        if (token == null) {
          yield Optional.of("no X-Gitlab-Token header");
        }
        yield same(token, secret)
            ? Optional.empty()
            : Optional.of("X-Gitlab-Token is not the secret");
      }
      default -> Optional.of("unknown provider " + provider);
    };
  }

  private static Optional<String> hmac(String header, String value, byte[] body, String secret) {
    if (value == null) {
      return Optional.of("no " + header + " header");
    }
    if (!value.startsWith("sha256=")) {
      return Optional.of(header + " is not sha256=<hex>");
    }
    return same(value, "sha256=" + sign(body, secret))
        ? Optional.empty()
        : Optional.of(header + " does not match the body signed with the webhook's secret");
  }

  /** {@code HMAC-SHA256(secret, body)} in lower-case hex. */
  public static String sign(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
