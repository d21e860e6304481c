package dev.localbuild.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoint overrides: one for all services, or one per service, for the agent and the build. */
class AwsTargetTest {
  @Test
  void aServiceEndpointWinsOverTheCommonOne() {
    AwsTarget t =
        AwsTarget.aws(
            null,
            "us-east-1",
            List.of("http://localhost:4566", "s3=http://minio:9000", "ECR=http://ecr.local"),
            "123456789012");
    assertThat(t.endpoint("s3")).isEqualTo(URI.create("http://minio:9000"));
    assertThat(t.endpoint("ecr")).isEqualTo(URI.create("http://ecr.local"));
    assertThat(t.endpoint("ecs")).isEqualTo(URI.create("http://localhost:4566"));
    assertThat(t.buildEndpointVariables())
        .containsEntry("AWS_ENDPOINT_URL", "http://localhost:4566")
        .containsEntry("AWS_ENDPOINT_URL_S3", "http://minio:9000")
        .containsEntry("AWS_ENDPOINT_URL_ECR", "http://ecr.local");
  }

  @Test
  void withoutOverridesEveryServiceIsAwsOwn() {
    AwsTarget t = AwsTarget.aws(null, "eu-west-1", List.of(), "123456789012");
    assertThat(t.endpoint("ecs")).isNull();
    assertThat(t.buildEndpointVariables()).isEmpty();
    assertThat(t.withAccount("210987654321").accountId()).isEqualTo("210987654321");
  }

  @Test
  void theLocalAwsGivesBuildsItsBridgeAddress() {
    AwsTarget t =
        AwsTarget.local(
            4590,
            "172.17.0.1",
            "us-east-1",
            "000000000000",
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("k", "s"));
    assertThat(t.endpoint("s3")).isEqualTo(URI.create("http://127.0.0.1:4590"));
    assertThat(t.buildEndpointVariables())
        .containsExactly(java.util.Map.entry("AWS_ENDPOINT_URL", "http://172.17.0.1:4590"));
  }
}
