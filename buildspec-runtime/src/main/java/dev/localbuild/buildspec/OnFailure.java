package dev.localbuild.buildspec;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A phase's {@code on-failure} setting. Absent means CodeBuild's default transitions (a failed
 * INSTALL or PRE_BUILD ends the build, a failed BUILD still runs POST_BUILD).
 */
public sealed interface OnFailure {
  /** No {@code on-failure}: the default transitions of the phase diagram. */
  record Default() implements OnFailure {}

  /** {@code ABORT}: no later command phase runs, and artifacts are not uploaded. */
  record Abort() implements OnFailure {}

  /**
   * {@code CONTINUE}: go on to the next phase as if this one had succeeded (the build still fails).
   */
  record Continue() implements OnFailure {}

  /**
   * {@code RETRY}, {@code RETRY-<count>}, {@code RETRY-<regex>} or {@code RETRY-<count>-<regex>}:
   * when the phase's error message matches, the build ends and a new attempt of the whole build
   * starts, up to {@code retries} times.
   */
  record Retry(int retries, Pattern pattern) implements OnFailure {
    public Retry {
      Objects.requireNonNull(pattern, "pattern");
      if (retries < 0 || retries > 100) {
        throw new IllegalArgumentException("retries must be 0..100: " + retries);
      }
    }

    /** Whether a phase failure with this context message should be retried. */
    public boolean matches(String message) {
      return pattern.matcher(message).matches();
    }
  }

  OnFailure DEFAULT = new Default();
  OnFailure ABORT = new Abort();
  OnFailure CONTINUE = new Continue();
}
