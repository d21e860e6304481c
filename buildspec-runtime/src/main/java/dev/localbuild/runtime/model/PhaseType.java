package dev.localbuild.runtime.model;

import dev.localbuild.buildspec.PhaseName;

/** Every phase of a CodeBuild build, in order (the API's {@code phaseType}). */
public enum PhaseType {
  SUBMITTED,
  QUEUED,
  PROVISIONING,
  DOWNLOAD_SOURCE,
  INSTALL,
  PRE_BUILD,
  BUILD,
  POST_BUILD,
  UPLOAD_ARTIFACTS,
  FINALIZING,
  COMPLETED;

  /** The phase type of a buildspec command phase. */
  public static PhaseType of(PhaseName name) {
    return valueOf(name.name());
  }

  /** Whether this is one of the four phases that run buildspec commands. */
  public boolean isCommandPhase() {
    return this == INSTALL || this == PRE_BUILD || this == BUILD || this == POST_BUILD;
  }

  /** The buildspec phase, for a command phase. */
  public PhaseName phaseName() {
    if (!isCommandPhase()) {
      throw new IllegalStateException(this + " is not a command phase");
    }
    return PhaseName.valueOf(name());
  }
}
