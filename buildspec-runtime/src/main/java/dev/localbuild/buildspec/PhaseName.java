package dev.localbuild.buildspec;

import java.util.Arrays;
import java.util.Optional;

/** The four command phases a buildspec can define, in the order CodeBuild runs them. */
public enum PhaseName {
  INSTALL("install"),
  PRE_BUILD("pre_build"),
  BUILD("build"),
  POST_BUILD("post_build");

  private final String key;

  PhaseName(String key) {
    this.key = key;
  }

  /** The key under {@code phases:} in a buildspec, e.g. {@code pre_build}. */
  public String key() {
    return key;
  }

  /** Looks a phase up by its buildspec key (exact, lower case, as CodeBuild requires). */
  public static Optional<PhaseName> fromKey(String key) {
    return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
  }
}
