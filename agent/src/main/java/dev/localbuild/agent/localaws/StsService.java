package dev.localbuild.agent.localaws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * The local STS, in AWS's query protocol (a form posted to {@code /}, answered in XML):
 * GetCallerIdentity, and GetSessionToken, which localbuild's agent uses to serve builds a session
 * instead of long-term keys.
 */
final class StsService {
  private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private final String account;
  private final SecureRandom random = new SecureRandom();

  StsService(String account) {
    this.account = account;
  }

  /** An answer: status, XML, request id. */
  record Answer(int status, String xml, String requestId) {}

  Answer handle(String form) {
    Map<String, String> params = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String id = UUID.randomUUID().toString();
    String action = String.valueOf(params.get("Action"));
    return switch (action) {
      case "GetCallerIdentity" ->
          new Answer(
              200,
              result(
                  action,
                  "<Arn>arn:aws:iam::"
                      + account
                      + ":user/localbuild</Arn><UserId>AIDALOCALBUILD00000000</UserId><Account>"
                      + account
                      + "</Account>",
                  id),
              id);
      case "GetSessionToken" -> {
        int seconds = Integer.parseInt(params.getOrDefault("DurationSeconds", "43200"));
        Instant expires = Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
        yield new Answer(
            200,
            result(
                action,
                "<Credentials><AccessKeyId>ASIA"
                    + token(8).toUpperCase()
                    + "</AccessKeyId><SecretAccessKey>"
                    + token(20)
                    + "</SecretAccessKey><SessionToken>"
                    + token(32)
                    + "</SessionToken><Expiration>"
                    + expires
                    + "</Expiration></Credentials>",
                id),
            id);
      }
      default ->
          new Answer(
              400,
              "<ErrorResponse xmlns=\""
                  + NS
                  + "\"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The local AWS"
                  + " does not implement "
                  + action
                  + "</Message></Error><RequestId>"
                  + id
                  + "</RequestId></ErrorResponse>",
              id);
    };
  }

  private static String result(String action, String body, String id) {
    return "<"
        + action
        + "Response xmlns=\""
        + NS
        + "\"><"
        + action
        + "Result>"
        + body
        + "</"
        + action
        + "Result><ResponseMetadata><RequestId>"
        + id
        + "</RequestId></ResponseMetadata></"
        + action
        + "Response>";
  }

  private String token(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
