package dev.localbuild.runtime.event;

import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened in a build, numbered: each build's events carry a sequence from 1 with no
 * gaps, so a reader that has seen event n asks for n + 1 onwards (a log follower, GetLogEvents'
 * token, a live page).
 */
public sealed interface BuildEvent {
  /** The build it happened in. */
  String buildId();

  /** Its place among the build's events, from 1. */
  long sequence();

  /** When it happened. */
  Instant at();

  /** A phase began. */
  record PhaseStarted(String buildId, long sequence, Instant at, PhaseType phase)
      implements BuildEvent {}

  /** A phase ended, with its status and the context of a phase that did not succeed. */
  record PhaseEnded(
      String buildId,
      long sequence,
      Instant at,
      PhaseType phase,
      StatusType status,
      @Nullable PhaseContext context)
      implements BuildEvent {}

  /** A line of the build's log, secrets already masked. */
  record Log(String buildId, long sequence, Instant at, LogLine line) implements BuildEvent {}

  /** The build is over: its final record. */
  record BuildFinished(String buildId, long sequence, Instant at, BuildRecord record)
      implements BuildEvent {}
}
