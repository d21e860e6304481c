package dev.localbuild.server;

import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.LauncherConfig;
import java.nio.file.Path;

/** The launcher a server makes, for tests that queue builds without running them. */
public final class TestLaunchers {
  private TestLaunchers() {}

  /** A docker launcher on a state directory: no Docker is touched until a build starts. */
  public static BuildLauncher docker(Path state) {
    return new BuildLauncher(
        new LauncherConfig(
            state, LauncherConfig.Executor.DOCKER, false, false, null, LauncherConfig.Aws.LOCAL));
  }
}
