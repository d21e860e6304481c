package dev.localbuild.agent.build;

import dev.localbuild.runtime.BuildShell;
import java.util.function.Consumer;

/**
 * Who holds a build at its {@code codebuild-breakpoint}s, with the build's shell lent: the server's
 * sandbox sessions, whose commands run there. The build goes on when {@link #hold} returns.
 */
@FunctionalInterface
public interface Breakpoints {
  void hold(BuildShell shell, Consumer<String> log) throws InterruptedException;
}
