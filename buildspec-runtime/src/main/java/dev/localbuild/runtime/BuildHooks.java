package dev.localbuild.runtime;

import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an executor does around the buildspec's own work: log in to registries and pull cache images
 * once the build's variables are known (before INSTALL), report on its Docker layer cache when the
 * build ends, hold the build for a debugger at a breakpoint or a failed command. Failures here are
 * the executor's to explain; returning normally means "go on".
 */
public interface BuildHooks {
  /**
   * Runs at the end of DOWNLOAD_SOURCE, with the variables the build's commands start with (secrets
   * resolved).
   *
   * @throws HookException to fail DOWNLOAD_SOURCE with the exception's context
   */
  default void beforeInstall(Sandbox sandbox, Map<String, String> variables, Consumer<String> log)
      throws Exception {}

  /**
   * A {@code codebuild-breakpoint} command ran: the build waits here for as long as this does, and
   * {@code shell} runs commands in it meanwhile. CodeBuild pauses only when the build has a debug
   * session, so by default this returns at once.
   */
  default void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log)
      throws InterruptedException {}

  /**
   * A command failed (its phase is not over yet): the build waits here for as long as this does,
   * then goes on as it would have. By default it returns at once.
   */
  default void commandFailed(Sandbox sandbox, String command, int exitStatus, Consumer<String> log)
      throws InterruptedException {}

  /** No hooks. */
  BuildHooks NONE = new BuildHooks() {};

  /** A hook failed the build, with CodeBuild-style context. */
  final class HookException extends Exception {
    private final PhaseContext context;

    public HookException(PhaseContext context) {
      super(context.message());
      this.context = context;
    }

    public PhaseContext context() {
      return context;
    }
  }
}
