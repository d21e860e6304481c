package dev.localbuild.runtime;

import dev.localbuild.buildspec.OnFailure;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;

/**
 * Which phase comes after a command phase: CodeBuild's phase diagram, with {@code on-failure}.
 *
 * <table>
 *   <caption>Default transitions</caption>
 *   <tr><th>phase</th><th>succeeded</th><th>failed</th></tr>
 *   <tr><td>INSTALL</td><td>PRE_BUILD</td><td>FINALIZING</td></tr>
 *   <tr><td>PRE_BUILD</td><td>BUILD</td><td>FINALIZING</td></tr>
 *   <tr><td>BUILD</td><td>POST_BUILD</td><td>POST_BUILD</td></tr>
 *   <tr><td>POST_BUILD</td><td>UPLOAD_ARTIFACTS</td><td>UPLOAD_ARTIFACTS</td></tr>
 * </table>
 *
 * <p>{@code CONTINUE} takes the "succeeded" edge from a failed phase. {@code ABORT} goes straight
 * to FINALIZING: no later command phase, no artifacts. {@code RETRY} goes to FINALIZING too, and
 * asks for another attempt of the whole build while attempts remain and the message matches; when
 * no retry is due the default edge applies. A timeout, a stop or a fault always ends in FINALIZING.
 */
public final class PhaseTransitions {
  private PhaseTransitions() {}

  /**
   * Where a command phase leads.
   *
   * @param next the phase that runs next
   * @param retry whether the build should be attempted again once this attempt ends
   */
  public record Next(PhaseType next, boolean retry) {}

  /**
   * @param phase the command phase that ended
   * @param outcome how it ended
   * @param onFailure the phase's {@code on-failure}
   * @param retriesUsed how many retries of the build have already run
   */
  public static Next next(
      PhaseType phase, PhaseOutcome outcome, OnFailure onFailure, int retriesUsed) {
    if (!phase.isCommandPhase()) {
      throw new IllegalArgumentException(phase + " is not a command phase");
    }
    return switch (outcome) {
      case PhaseOutcome.Succeeded s -> new Next(afterSuccess(phase), false);
      case PhaseOutcome.Failed f -> afterFailure(phase, f, onFailure, retriesUsed);
      default -> new Next(PhaseType.FINALIZING, false);
    };
  }

  private static Next afterFailure(
      PhaseType phase, PhaseOutcome.Failed f, OnFailure onFailure, int retriesUsed) {
    return switch (onFailure) {
      case OnFailure.Continue c -> new Next(afterSuccess(phase), false);
      case OnFailure.Abort a -> new Next(PhaseType.FINALIZING, false);
      case OnFailure.Retry r when retriesUsed < r.retries() && r.matches(f.context().message()) ->
          new Next(PhaseType.FINALIZING, true);
      default -> new Next(defaultAfterFailure(phase), false);
    };
  }

  private static PhaseType afterSuccess(PhaseType phase) {
    return switch (phase) {
      case INSTALL -> PhaseType.PRE_BUILD;
      case PRE_BUILD -> PhaseType.BUILD;
      case BUILD -> PhaseType.POST_BUILD;
      default -> PhaseType.UPLOAD_ARTIFACTS;
    };
  }

  private static PhaseType defaultAfterFailure(PhaseType phase) {
    return switch (phase) {
      case INSTALL, PRE_BUILD -> PhaseType.FINALIZING;
      case BUILD -> PhaseType.POST_BUILD;
      default -> PhaseType.UPLOAD_ARTIFACTS;
    };
  }

  /**
   * The build's status from its phases: a fault, timeout or stop wins; then any failed phase fails
   * the build, even when later phases succeeded.
   */
  public static StatusType buildStatus(Iterable<PhaseRecord> phases) {
    boolean failed = false;
    for (PhaseRecord p : phases) {
      if (p.status() == null) {
        continue;
      }
      switch (p.status()) {
        case FAULT, TIMED_OUT, STOPPED -> {
          return p.status();
        }
        case FAILED -> failed = true;
        default -> {}
      }
    }
    return failed ? StatusType.FAILED : StatusType.SUCCEEDED;
  }
}
