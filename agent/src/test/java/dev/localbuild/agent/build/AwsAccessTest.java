package dev.localbuild.agent.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.aws.AwsTarget;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsAccessTest {
  static AwsTarget target(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider p) {
    return new AwsTarget(false, null, null, "us-east-1", "000000000000", p, Map.of());
  }

  @Test
  void yourAccountWithoutCredentialsSaysWhereItLookedAndWhatToDo() {
    var none =
        target(() -> {
          throw SdkClientException.create("Unable to load credentials from any of the providers");
        });
    assertThat(AwsAccess.noCredentials(none, null))
        .hasValueSatisfying(m ->
            assertThat(m)
                .startsWith("no AWS credentials for your account: looked in AWS_ACCESS_KEY_ID")
                .contains("~/.aws/credentials", "instance metadata")
                .endsWith("name a profile with -p, or leave -c out to use the local AWS")
                .doesNotContain("AwsCredentialsProviderChain"));
    assertThat(AwsAccess.noCredentials(none, "dev"))
        .hasValueSatisfying(m ->
            assertThat(m)
                .startsWith("the AWS profile dev has no credentials")
                .contains("aws configure --profile dev"));
    assertThat(
            AwsAccess.noCredentials(
                target(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))),
                null))
        .isEmpty();
  }
}
