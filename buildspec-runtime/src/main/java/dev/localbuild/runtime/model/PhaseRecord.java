package dev.localbuild.runtime.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a build's {@code phases[]}, as {@code BatchGetBuilds} shows it.
 *
 * @param type the phase
 * @param status its status; null for {@code COMPLETED}, which has only a start time
 * @param start when it started
 * @param end when it ended; null while running and for {@code COMPLETED}
 * @param contexts why it ended as it did
 */
public record PhaseRecord(
    PhaseType type,
    @Nullable StatusType status,
    Instant start,
    @Nullable Instant end,
    List<PhaseContext> contexts) {
  public PhaseRecord {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(start, "start");
    contexts = List.copyOf(contexts);
  }

  /** A phase that has ended. */
  public static PhaseRecord ended(
      PhaseType type, Instant start, Instant end, PhaseOutcome outcome) {
    return new PhaseRecord(type, outcome.status(), start, end, List.of(outcome.context()));
  }

  /** Whole seconds between start and end, as CodeBuild counts them; null while running. */
  public @Nullable Long durationInSeconds() {
    return end == null ? null : Duration.between(start, end).toSeconds();
  }
}
