package dev.localbuild.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** ECR logins are reused until shortly before they expire, never after. */
class AwsClientsTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void aTwelveHourTokenIsKeptUntilTenMinutesBeforeItsEnd() {
    assertThat(AwsClients.keepFor(NOW.plus(Duration.ofHours(12)), NOW))
        .isEqualTo(Duration.ofHours(12).minusMinutes(10));
  }

  @Test
  void aTokenAboutToExpireIsNotKept() {
    assertThat(AwsClients.keepFor(NOW.plus(Duration.ofMinutes(5)), NOW)).isZero();
    assertThat(AwsClients.keepFor(NOW.minus(Duration.ofMinutes(5)), NOW)).isZero();
  }
}
