package dev.localbuild.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void linesShowAStepsFirstUpdateThenOnePerIntervalAndAlwaysItsEnd() {
    List<String> out = new ArrayList<>();
    Ticking clock = new Ticking();
    Progress p = Progress.lines(out::add, Duration.ofSeconds(5), clock);
    p.update("pulling a", "0/3 layers");
    p.update("pulling a", "1/3 layers");
    clock.now = clock.now.plusSeconds(2);
    p.update("pulling b", "0/1 layers"); // another step has its own interval
    p.update("pulling a", "2/3 layers");
    clock.now = clock.now.plusSeconds(3);
    p.update("pulling a", "3/3 layers");
    p.done("pulling a", "done in 5.0 s");
    assertThat(out)
        .containsExactly(
            "pulling a: 0/3 layers",
            "pulling b: 0/1 layers",
            "pulling a: 3/3 layers",
            "pulling a: done in 5.0 s");
  }

  @Test
  void bytesInBinaryUnits() {
    assertThat(Progress.bytes(512)).isEqualTo("512 B");
    assertThat(Progress.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Progress.bytes(45L * 1024 * 1024)).isEqualTo("45.0 MiB");
  }
}
