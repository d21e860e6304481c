package dev.localbuild.agent.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials as CodeBuild hands them to a build: not in its environment, but from a container
 * credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} or {@code _FULL_URI}) that
 * every AWS SDK and the CLI read. The document has ECS's shape, which always carries a session
 * token: long-term keys are never served, but traded for a session (STS GetSessionToken, as
 * aws-vault's server does), renewed before it expires. Session credentials (SSO, an assumed role)
 * are served as they are.
 */
public final class BuildCredentials {
  /** A session is renewed this long before it expires. */
  static final Duration RENEW_BEFORE = Duration.ofMinutes(15);

  private final AwsCredentialsProvider source;
  private final String roleArn;
  private final @Nullable UnaryOperator<AwsCredentials> sessions;
  private @Nullable AwsSessionCredentials session;

  /**
   * @param sessions trades long-term keys for a session (GetSessionToken with your account, the
   *     service role's AssumeRole in the local AWS); null serves the source as it is
   */
  public BuildCredentials(
      AwsCredentialsProvider source,
      String roleArn,
      @Nullable UnaryOperator<AwsCredentials> sessions) {
    this.source = source;
    this.roleArn = roleArn;
    this.sessions = sessions;
  }

  /** What the endpoint serves now. */
  synchronized AwsCredentials current() {
    AwsCredentials c = source.resolveCredentials();
    if (c instanceof AwsSessionCredentials || sessions == null) {
      return c;
    }
    if (session == null
        || session
            .expirationTime()
            .map(e -> e.isBefore(Instant.now().plus(RENEW_BEFORE)))
            .orElse(true)) {
      session = (AwsSessionCredentials) sessions.apply(c);
    }
    return session;
  }

  /** The credentials the endpoint serves, for the agent's own calls on the build's behalf. */
  public AwsCredentialsProvider provider() {
    return this::current;
  }

  /** The values the build can read from the endpoint: the log masks them. */
  public List<String> servedValues() {
    AwsCredentials c = current();
    return c instanceof AwsSessionCredentials s
        ? List.of(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
        : List.of(c.accessKeyId(), c.secretAccessKey());
  }

  /** The endpoint's answer now. */
  public String document() {
    AwsCredentials c = current();
    Instant expires = c.expirationTime().orElse(Instant.now().plus(12, ChronoUnit.HOURS));
    ObjectNode n =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .createObjectNode()
            .put("RoleArn", roleArn)
            .put("AccessKeyId", c.accessKeyId())
            .put("SecretAccessKey", c.secretAccessKey())
            .put("Token", c instanceof AwsSessionCredentials s ? s.sessionToken() : "localbuild")
            .put("Expiration", expires.truncatedTo(ChronoUnit.SECONDS).toString());
    return n.toString();
  }
}
