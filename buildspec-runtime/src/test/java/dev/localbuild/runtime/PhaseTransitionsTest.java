package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.buildspec.OnFailure;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CodeBuild's phase diagram plus on-failure, as a table. */
class PhaseTransitionsTest {
  static final PhaseOutcome FAIL = new PhaseOutcome.Failed(PhaseContext.commandFailed("make", 2));

  static OnFailure onFailure(String s) {
    return switch (s) {
      case "DEFAULT" -> OnFailure.DEFAULT;
      case "ABORT" -> OnFailure.ABORT;
      case "CONTINUE" -> OnFailure.CONTINUE;
      case "RETRY" -> new OnFailure.Retry(2, Pattern.compile(".*"));
      case "RETRY_NOMATCH" -> new OnFailure.Retry(2, Pattern.compile(".*timed out.*"));
      default -> throw new IllegalArgumentException(s);
    };
  }

  static PhaseOutcome outcome(String s) {
    return switch (s) {
      case "SUCCEEDED" -> PhaseOutcome.SUCCEEDED;
      case "FAILED" -> FAIL;
      case "FAULT" -> new PhaseOutcome.Faulted(new PhaseContext("AGENT_ERROR", "x"));
      case "TIMED_OUT" -> new PhaseOutcome.TimedOut(new PhaseContext("BUILD_TIMED_OUT", "x"));
      case "STOPPED" -> new PhaseOutcome.Stopped(new PhaseContext("BUILD_STOPPED", "x"));
      default -> throw new IllegalArgumentException(s);
    };
  }

  @ParameterizedTest(name = "{0} {1} on-failure={2} (retries used {3}) -> {4} retry={5}")
  @CsvSource({
    "INSTALL,    SUCCEEDED, DEFAULT,       0, PRE_BUILD,        false",
    "PRE_BUILD,  SUCCEEDED, DEFAULT,       0, BUILD,            false",
    "BUILD,      SUCCEEDED, DEFAULT,       0, POST_BUILD,       false",
    "POST_BUILD, SUCCEEDED, DEFAULT,       0, UPLOAD_ARTIFACTS, false",
    "INSTALL,    FAILED,    DEFAULT,       0, FINALIZING,       false",
    "PRE_BUILD,  FAILED,    DEFAULT,       0, FINALIZING,       false",
    "BUILD,      FAILED,    DEFAULT,       0, POST_BUILD,       false",
    "POST_BUILD, FAILED,    DEFAULT,       0, UPLOAD_ARTIFACTS, false",
    "INSTALL,    FAILED,    CONTINUE,      0, PRE_BUILD,        false",
    "PRE_BUILD,  FAILED,    CONTINUE,      0, BUILD,            false",
    "BUILD,      FAILED,    CONTINUE,      0, POST_BUILD,       false",
    "INSTALL,    FAILED,    ABORT,         0, FINALIZING,       false",
    "BUILD,      FAILED,    ABORT,         0, FINALIZING,       false",
    "POST_BUILD, FAILED,    ABORT,         0, FINALIZING,       false",
    "BUILD,      SUCCEEDED, ABORT,         0, POST_BUILD,       false",
    "BUILD,      FAILED,    RETRY,         0, FINALIZING,       true",
    "BUILD,      FAILED,    RETRY,         1, FINALIZING,       true",
    "BUILD,      FAILED,    RETRY,         2, POST_BUILD,       false",
    "PRE_BUILD,  FAILED,    RETRY,         2, FINALIZING,       false",
    "BUILD,      FAILED,    RETRY_NOMATCH, 0, POST_BUILD,       false",
    "BUILD,      FAULT,     CONTINUE,      0, FINALIZING,       false",
    "BUILD,      TIMED_OUT, CONTINUE,      0, FINALIZING,       false",
    "POST_BUILD, STOPPED,   DEFAULT,       0, FINALIZING,       false",
  })
  void followsTheDiagram(
      PhaseType phase, String outcome, String onFailure, int used, PhaseType next, boolean retry) {
    assertThat(PhaseTransitions.next(phase, outcome(outcome), onFailure(onFailure), used))
        .isEqualTo(new PhaseTransitions.Next(next, retry));
  }

  static PhaseRecord rec(PhaseType t, StatusType s) {
    return new PhaseRecord(t, s, Instant.EPOCH, Instant.EPOCH, List.of());
  }

  @ParameterizedTest(name = "{0} then {1} -> {2}")
  @CsvSource({
    "SUCCEEDED, SUCCEEDED, SUCCEEDED",
    "FAILED,    SUCCEEDED, FAILED",
    "SUCCEEDED, FAILED,    FAILED",
    "FAILED,    TIMED_OUT, TIMED_OUT",
    "FAILED,    STOPPED,   STOPPED",
    "FAULT,     FAILED,    FAULT",
  })
  void buildStatusFromPhases(StatusType first, StatusType second, StatusType build) {
    assertThat(
            PhaseTransitions.buildStatus(
                List.of(
                    rec(PhaseType.BUILD, first),
                    rec(PhaseType.POST_BUILD, second),
                    new PhaseRecord(PhaseType.COMPLETED, null, Instant.EPOCH, null, List.of()))))
        .isEqualTo(build);
  }
}
