package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunSummaryTest {
  @Test
  void aFailingTestIsSummedUpByItsAssertionNotItsFirstStackLine() {
    // pytest's JUnit XML: the traceback, then the assertion
    assertThat(
            RunSummary.headline(
                """
                Traceback (most recent call last):
                  File "tests/test_calc.py", line 12, in test_divide
                    self.assertEqual(divide(1, 2), 0.4)
                AssertionError: 0.5 != 0.4
                """))
        .isEqualTo("AssertionError: 0.5 != 0.4");
    // JUnit 5 through surefire: the exception's line first, then its frames
    assertThat(
            RunSummary.headline(
                "org.opentest4j.AssertionFailedError: expected: <1> but was: <2>\n"
                    + "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(Builder.java:151)"))
        .isEqualTo("org.opentest4j.AssertionFailedError: expected: <1> but was: <2>");
    // a message attribute and a body that does not repeat it
    assertThat(RunSummary.headline("expected 1 to equal 2\n    at Context.<anonymous>"))
        .isEqualTo("expected 1 to equal 2");
    assertThat(RunSummary.headline("   only indented\n")).isEqualTo("only indented");
  }
}
