package dev.localbuild.localaws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The local STS, in AWS's query protocol (a form posted to {@code /}, answered in XML):
 * GetCallerIdentity (who signed), AssumeRole (localbuild's agent takes a project's service role for
 * each build, as CodeBuild does), and GetSessionToken. Sessions are real: the local AWS checks the
 * signatures made with them, and a role's session is held to the role's policy.
 */
final class StsService {
  private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private final String account;
  private final dev.localbuild.localaws.auth.AccessKeys keys;
  private final AuthGate gate;

  StsService(String account, dev.localbuild.localaws.auth.AccessKeys keys, AuthGate gate) {
    this.account = account;
    this.keys = keys;
    this.gate = gate;
  }

  /** An answer: status, XML, request id. */
  record Answer(int status, String xml, String requestId) {}

  Answer handle(String form, dev.localbuild.localaws.auth.AccessKey caller)
      throws java.io.IOException {
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
                  "<Arn>"
                      + caller.principalArn()
                      + "</Arn><UserId>"
                      + (caller.isRoot() ? account : caller.accessKeyId())
                      + "</UserId><Account>"
                      + account
                      + "</Account>",
                  id),
              id);
      case "GetSessionToken" -> {
        if (!caller.isRoot()) {
          yield error(
              403, "AccessDenied", "Cannot call GetSessionToken with session credentials", id);
        }
        int seconds = Integer.parseInt(params.getOrDefault("DurationSeconds", "43200"));
        yield credentials(
            action, keys.issue(null, "session", java.time.Duration.ofSeconds(seconds)), "", id);
      }
      case "AssumeRole" -> {
        String roleArn = params.getOrDefault("RoleArn", "");
        String session = params.getOrDefault("RoleSessionName", "");
        var m =
            java.util.regex.Pattern.compile(
                    "arn:aws:iam::(\\d{12}):role/(?:.*/)?([\\w+=,.@-]{1,64})")
                .matcher(roleArn);
        if (!m.matches() || !session.matches("[\\w+=,.@-]{2,64}")) {
          yield error(
              400,
              "ValidationError",
              "RoleArn must be a role's ARN and RoleSessionName 2 to 64 characters of [\\w+=,.@-]",
              id);
        }
        var denied =
            gate.denied(caller.principalArn(), caller.roleName(), "sts:AssumeRole", roleArn);
        if (denied.isPresent()) {
          yield error(403, "AccessDenied", denied.get(), id);
        }
        int seconds = Integer.parseInt(params.getOrDefault("DurationSeconds", "3600"));
        var k = keys.issue(m.group(2), session, java.time.Duration.ofSeconds(seconds));
        yield credentials(
            action,
            k,
            "<AssumedRoleUser><AssumedRoleId>AROALOCALBUILD:"
                + session
                + "</AssumedRoleId><Arn>"
                + k.principalArn()
                + "</Arn></AssumedRoleUser>",
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

  private static Answer credentials(
      String action, dev.localbuild.localaws.auth.AccessKey k, String more, String id) {
    return new Answer(
        200,
        result(
            action,
            "<Credentials><AccessKeyId>"
                + k.accessKeyId()
                + "</AccessKeyId><SecretAccessKey>"
                + k.secretAccessKey()
                + "</SecretAccessKey><SessionToken>"
                + k.sessionToken()
                + "</SessionToken><Expiration>"
                + k.expires()
                + "</Expiration></Credentials>"
                + more,
            id),
        id);
  }

  /** An error in the query protocol's shape. */
  static Answer error(int status, String code, String message, String id) {
    return new Answer(
        status,
        "<ErrorResponse xmlns=\""
            + NS
            + "\"><Error><Type>Sender</Type><Code>"
            + code
            + "</Code><Message>"
            + message.replace("&", "&amp;").replace("<", "&lt;")
            + "</Message></Error><RequestId>"
            + id
            + "</RequestId></ErrorResponse>",
        id);
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
}
