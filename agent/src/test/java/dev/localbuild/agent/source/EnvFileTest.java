package dev.localbuild.agent.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvFileTest {
  @Test
  void readsNameValueLinesKeepingQuotesAsTheLocalAgentDoes() throws Exception {
    var vars =
        EnvFile.parse(
            List.of("# comment", "", "A=1", "B=\"quoted\"", "C=x=y", "  D = spaced", "EMPTY="),
            "f.env");
    assertThat(vars)
        .containsExactly(
            java.util.Map.entry("A", "1"),
            java.util.Map.entry("B", "\"quoted\""),
            java.util.Map.entry("C", "x=y"),
            java.util.Map.entry("D", " spaced"),
            java.util.Map.entry("EMPTY", ""));
  }

  @Test
  void aBadLineIsReportedWithFileAndLine() {
    assertThatThrownBy(() -> EnvFile.parse(List.of("A=1", "not a variable"), "ci.env"))
        .hasMessage("ci.env:2: expected NAME=VALUE, found: not a variable");
    assertThatThrownBy(() -> EnvFile.parse(List.of("1X=1"), "ci.env"))
        .hasMessageStartingWith("ci.env:1:");
  }
}
