package dev.localbuild.agent.record;

import java.nio.file.Path;

/**
 * Where localbuild keeps what outlives a build: build counters, build records, caches. {@code
 * $LOCALBUILD_HOME}, else {@code ~/.localbuild}.
 */
public final class StateDir {
  private StateDir() {}

  public static Path resolve() {
    String env = System.getenv("LOCALBUILD_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".localbuild");
  }
}
