package dev.localbuild.agent.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials as CodeBuild hands them to a build: not in its environment, but from a container
 * credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} or {@code _FULL_URI}) that
 * every AWS SDK and the CLI read. The document has ECS's shape.
 */
public final class BuildCredentials {
  private final AwsCredentialsProvider source;
  private final String roleArn;

  public BuildCredentials(AwsCredentialsProvider source, String roleArn) {
    this.source = source;
    this.roleArn = roleArn;
  }

  /** The endpoint's answer now. */
  public String document() {
    AwsCredentials c = source.resolveCredentials();
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
