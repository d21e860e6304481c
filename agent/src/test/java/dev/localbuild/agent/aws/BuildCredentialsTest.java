package dev.localbuild.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** What a build's credentials endpoint serves: never long-term keys when a session can be had. */
class BuildCredentialsTest {
  static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("AKIAKEYS", "longterm");

  static AwsSessionCredentials session(String id, Duration left) {
    return AwsSessionCredentials.builder()
        .accessKeyId(id)
        .secretAccessKey("s-" + id)
        .sessionToken("t-" + id)
        .expirationTime(Instant.now().plus(left))
        .build();
  }

  @Test
  void longTermKeysAreTradedForASessionWhichIsReusedUntilNearItsEnd() throws Exception {
    AtomicInteger made = new AtomicInteger();
    BuildCredentials c =
        new BuildCredentials(
            StaticCredentialsProvider.create(KEYS),
            "arn:aws:iam::1:role/r",
            keys -> session("ASIA" + made.incrementAndGet(), Duration.ofHours(12)));
    var doc = new ObjectMapper().readTree(c.document());
    assertThat(doc.path("AccessKeyId").asText()).isEqualTo("ASIA1");
    assertThat(doc.path("Token").asText()).isEqualTo("t-ASIA1");
    assertThat(doc.path("RoleArn").asText()).isEqualTo("arn:aws:iam::1:role/r");
    c.document();
    assertThat(made).hasValue(1);
    assertThat(c.servedValues()).containsExactly("ASIA1", "s-ASIA1", "t-ASIA1");
    assertThat(c.document()).doesNotContain("AKIAKEYS", "longterm");
  }

  @Test
  void aSessionAboutToExpireIsRenewed() {
    AtomicInteger made = new AtomicInteger();
    BuildCredentials c =
        new BuildCredentials(
            StaticCredentialsProvider.create(KEYS),
            "r",
            keys -> session("ASIA" + made.incrementAndGet(), Duration.ofMinutes(5)));
    c.document();
    c.document();
    assertThat(made).hasValue(2);
  }

  @Test
  void sessionCredentialsAreServedAsTheyAre() {
    BuildCredentials c =
        new BuildCredentials(
            StaticCredentialsProvider.create(session("ASIASSO", Duration.ofHours(1))),
            "r",
            keys -> {
              throw new AssertionError("no session needed");
            });
    assertThat(c.servedValues()).containsExactly("ASIASSO", "s-ASIASSO", "t-ASIASSO");
  }
}
