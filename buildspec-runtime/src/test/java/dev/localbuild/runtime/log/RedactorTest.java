package dev.localbuild.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  final List<LogLine> seen = new java.util.ArrayList<>();
  final Redactor r = new Redactor(seen::add);

  static LogLine piece(String text, boolean continued) {
    return new LogLine(java.time.Instant.EPOCH, LogLine.Source.STDOUT, text, continued);
  }

  @Test
  void masksEveryOccurrence() {
    r.addSecrets(List.of("s3cret"));
    assertThat(r.redact("a s3cret and s3cret")).isEqualTo("a *** and ***");
  }

  @Test
  void aSecretWithACarriageReturnIsMaskedWhereTheLineLostIt() {
    r.addSecrets(List.of("tok3n-value\r"));
    // lines lose their trailing \r: the value must be masked without it
    assertThat(r.redact("token is tok3n-value")).isEqualTo("token is ***");
  }

  @Test
  void aSecretSplitByCarriageReturnsIsMaskedPartByPart() {
    r.addSecrets(List.of("first-half\rsecond-half"));
    assertThat(r.redact("first-half")).isEqualTo("***");
    assertThat(r.redact("x second-half")).isEqualTo("x ***");
    assertThat(r.redact("first-half\rsecond-half")).isEqualTo("***");
  }

  @Test
  void shortValuesAreNotMasked() {
    r.addSecrets(List.of("ab"));
    assertThat(r.redact("ab")).isEqualTo("ab");
  }

  @Test
  void aSecretAcrossTheCutOfAnOverLongLineIsMasked() {
    r.addSecrets(List.of("hunter2-secret"));
    // the line was cut inside the secret: "...hunter2-" | "secret..."
    r.accept(piece("x".repeat(100) + "hunter2-", true));
    r.accept(piece("secret and more", false));
    String all = seen.stream().map(LogLine::text).reduce("", String::concat);
    assertThat(all).isEqualTo("x".repeat(100) + "*** and more").doesNotContain("hunter2");
    assertThat(seen.get(0).text()).doesNotContain("hunter2");
  }

  @Test
  void aCutLineWithoutSecretsLosesNothing() {
    r.addSecrets(List.of("zzz-not-there"));
    r.accept(piece("a".repeat(50), true));
    r.accept(piece("b".repeat(50), true));
    r.accept(piece("end", false));
    assertThat(seen.stream().map(LogLine::text).reduce("", String::concat))
        .isEqualTo("a".repeat(50) + "b".repeat(50) + "end");
  }
}
