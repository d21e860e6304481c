package dev.localbuild.runtime;

import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.util.function.Consumer;

/**
 * The build's shell, lent to whoever holds the build at a {@code codebuild-breakpoint} (a sandbox
 * session's commands): a command run here runs as the buildspec's own commands do, with the build's
 * variables, working directory and shell state, logged the same way.
 */
public interface BuildShell {
  /**
   * Runs one command and waits for it.
   *
   * @param command the command, as a buildspec would list it
   * @param output also receives the command's lines (secrets masked), as they come
   * @return its exit status: non-zero is a normal result
   * @throws ShellClosedException when the build's shell went away (the build was stopped, timed
   *     out, or its container died)
   */
  int run(String command, Consumer<OutputLine> output)
      throws InterruptedException, ShellClosedException;

  /** Whether the shell is still there: false once the build was stopped or its container died. */
  boolean open();
}
