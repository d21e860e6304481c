package dev.localbuild.runtime;

import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an executor does around the buildspec's own work: log in to registries and pull cache images
 * once the build's variables are known (before INSTALL), report on its Docker layer cache when the
 * build ends. Failures here are the executor's to explain; returning normally means "go on".
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
