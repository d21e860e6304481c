package dev.localbuild.server.sandbox;

import dev.localbuild.agent.build.Breakpoints;
import dev.localbuild.runtime.BuildShell;
import dev.localbuild.runtime.shell.ShellClosedException;
import dev.localbuild.server.store.SandboxStore;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Holds a sandbox's session at its breakpoint, on the agent that runs it: takes the sandbox's
 * commands in the order they came and runs each in the build's shell, so a {@code cd} or an {@code
 * export} holds for the next, as in a terminal. It lets the session go only when its shell is gone
 * (StopSandbox or the timeout killed the container).
 */
final class SessionHolder implements Breakpoints {
  /** How often a session looks for commands that came in through another agent. */
  private static final long LOOK_MILLIS = 1000;

  private final String sandboxId;
  private final SandboxStore store;
  private final Object arrivals;
  private final Consumer<String> log;

  SessionHolder(String sandboxId, SandboxStore store, Object arrivals, Consumer<String> log) {
    this.sandboxId = sandboxId;
    this.store = store;
    this.arrivals = arrivals;
    this.log = log;
  }

  @Override
  public void hold(BuildShell shell, Consumer<String> buildLog) throws InterruptedException {
    buildLog.accept(
        "Sandbox "
            + sandboxId
            + " is running: commands from StartCommandExecution run here until StopSandbox");
    while (shell.open()) {
      Optional<SandboxStore.Command> next;
      try {
        next = store.takeNext(sandboxId, CommandResults::started);
      } catch (SQLException e) {
        log.accept(sandboxId + ": cannot read the sandbox's commands: " + e.getMessage());
        next = Optional.empty();
      }
      if (next.isEmpty()) {
        synchronized (arrivals) {
          arrivals.wait(LOOK_MILLIS);
        }
        continue;
      }
      if (!run(next.get(), shell)) {
        return;
      }
    }
  }

  /** Runs one command and records how it ended; false when the session's shell went away. */
  private boolean run(SandboxStore.Command c, BuildShell shell) throws InterruptedException {
    CommandResults.Output output = new CommandResults.Output();
    String command = c.record().path("command").asText();
    try {
      int rc = shell.run(command, output::add);
      save(c, CommandResults.finished(c.record(), rc, output));
      return true;
    } catch (ShellClosedException e) {
      save(c, CommandResults.stopped(c.record(), output));
      return false;
    } catch (InterruptedException e) {
      save(c, CommandResults.stopped(c.record(), output));
      throw e;
    }
  }

  private void save(SandboxStore.Command c, com.fasterxml.jackson.databind.node.ObjectNode r) {
    try {
      store.update(c.id(), "IN_PROGRESS", r.path("status").asText(), r);
    } catch (SQLException e) {
      log.accept(sandboxId + ": cannot record command " + c.id() + ": " + e.getMessage());
    }
  }
}
