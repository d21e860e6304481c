package dev.localbuild.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  final Redactor r = new Redactor(line -> {});

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
}
