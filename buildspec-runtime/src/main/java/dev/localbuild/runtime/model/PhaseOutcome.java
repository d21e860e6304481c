package dev.localbuild.runtime.model;

/**
 * How a phase ended. "The user's command failed" ({@link Failed}) is kept apart from "the agent
 * failed" ({@link Faulted}): only the second is localbuild's fault, and only it makes a FAULT
 * build.
 */
public sealed interface PhaseOutcome {
  /** Everything in the phase succeeded. */
  record Succeeded() implements PhaseOutcome {}

  /** A command exited non-zero, or the user's input was wrong (bad buildspec, no artifacts). */
  record Failed(PhaseContext context) implements PhaseOutcome {}

  /** localbuild or its executor broke (Docker went away, an I/O error): not the user's doing. */
  record Faulted(PhaseContext context) implements PhaseOutcome {}

  /** The build's timeout ran out during the phase. */
  record TimedOut(PhaseContext context) implements PhaseOutcome {}

  /** The build was stopped (Ctrl-C, StopBuild) during the phase. */
  record Stopped(PhaseContext context) implements PhaseOutcome {}

  PhaseOutcome SUCCEEDED = new Succeeded();

  /** The phase's {@code phaseStatus}. */
  default StatusType status() {
    return switch (this) {
      case Succeeded s -> StatusType.SUCCEEDED;
      case Failed f -> StatusType.FAILED;
      case Faulted f -> StatusType.FAULT;
      case TimedOut t -> StatusType.TIMED_OUT;
      case Stopped s -> StatusType.STOPPED;
    };
  }

  /** The phase's context, empty on success. */
  default PhaseContext context() {
    return switch (this) {
      case Succeeded s -> PhaseContext.NONE;
      case Failed f -> f.context();
      case Faulted f -> f.context();
      case TimedOut t -> t.context();
      case Stopped s -> s.context();
    };
  }
}
