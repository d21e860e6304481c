package dev.localbuild.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.buildspec.SecretRef;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalSecretsHintTest {
  static final Path FILE = Path.of("/home/u/.localbuild/aws/parameters.json");
  static final URI ENDPOINT = URI.create("http://127.0.0.1:4590");

  @Test
  void aMissingParameterNamesTheFileAndTheCommandThatCreatesIt() {
    assertThat(
            LocalSecretsHint.of(
                "parameter does not exist: /CodeBuild/token", Map.of(), FILE, ENDPOINT))
        .contains(
            "the local AWS has no parameter /CodeBuild/token: add it to "
                + FILE
                + " (\"parameters\": {\"/CodeBuild/token\": \"VALUE\"}), or create it with: aws"
                + " --endpoint-url http://127.0.0.1:4590 ssm put-parameter --name /CodeBuild/token"
                + " --type SecureString --value VALUE");
  }

  @Test
  void aMissingSecretNamesTheSecretWhenTheBuildNamesOne() {
    assertThat(
            LocalSecretsHint.of(
                "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
                Map.of("A", new SecretRef("dockerhub", "username", null, null)),
                FILE,
                ENDPOINT))
        .hasValueSatisfying(h ->
            assertThat(h)
                .startsWith("the local AWS has no secret dockerhub: add it to " + FILE)
                .endsWith("secretsmanager create-secret --name dockerhub --secret-string VALUE"));
  }

  @Test
  void otherFailuresGetNoHint() {
    assertThat(LocalSecretsHint.of("AccessDeniedException: no", Map.of(), FILE, ENDPOINT))
        .isEmpty();
  }
}
