package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.Command;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.PhaseName;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one command phase: its {@code commands} until the first failure, then its {@code finally}
 * commands whatever happened (they too stop at their first failure). The phase succeeds only if
 * every command that ran succeeded; its context is that of the first failure.
 */
final class CommandPhaseRunner {
  private final Sandbox sandbox;
  private final Buildspec buildspec;
  private final BuildRecordState state;
  private final Consumer<String> agent;
  private final LogSink log;
  private final BuildHooks hooks;
  private final Consumer<@Nullable Consumer<OutputLine>> tap;

  /** The command CodeBuild's debug sessions pause at; not a program. */
  static final String BREAKPOINT = "codebuild-breakpoint";

  CommandPhaseRunner(
      Sandbox sandbox,
      Buildspec buildspec,
      BuildRecordState state,
      Consumer<String> agent,
      LogSink log,
      BuildHooks hooks,
      Consumer<@Nullable Consumer<OutputLine>> tap) {
    this.hooks = hooks;
    this.tap = tap;
    this.sandbox = sandbox;
    this.buildspec = buildspec;
    this.state = state;
    this.agent = agent;
    this.log = log;
  }

  PhaseOutcome run(PhaseName name) throws InterruptedException, ShellClosedException {
    Phase phase = buildspec.phase(name).orElse(null);
    if (phase == null) {
      return PhaseOutcome.SUCCEEDED;
    }
    if (phase.commands().isEmpty() && phase.finallyCommands().isEmpty()) {
      agent.accept("No commands found for phase name: " + name.key());
      return PhaseOutcome.SUCCEEDED;
    }
    String runAs = buildspec.runAsFor(name);
    PhaseContext failure = runAll(phase.commands(), runAs);
    PhaseContext finallyFailure = runAll(phase.finallyCommands(), runAs);
    if (failure == null) {
      failure = finallyFailure;
    }
    return failure == null ? PhaseOutcome.SUCCEEDED : new PhaseOutcome.Failed(failure);
  }

  private @Nullable PhaseContext runAll(List<Command> commands, @Nullable String runAs)
      throws InterruptedException, ShellClosedException {
    for (Command c : commands) {
      agent.accept("Running command " + c.text());
      if (c.text().strip().equals(BREAKPOINT)) {
        BuildShell shell = lent(runAs);
        hooks.breakpoint(sandbox, shell, agent);
        if (!shell.open()) {
          // stopped, timed out or dead while held: the phase ends as a gone shell makes it end
          throw new ShellClosedException(
              "the build's shell ended while it was held at " + BREAKPOINT);
        }
        log.accept(new LogLine(Instant.now(), LogLine.Source.STDOUT, ""));
        continue;
      }
      int rc = runOne(c.text(), runAs);
      if (rc != 0) {
        hooks.commandFailed(sandbox, c.text(), rc, agent);
        return PhaseContext.commandFailed(c.text(), rc);
      }
    }
    return null;
  }

  /** One command, as the buildspec's are run and logged; its exit status. */
  private int runOne(String command, @Nullable String runAs)
      throws InterruptedException, ShellClosedException {
    String script =
        CommandScripts.command(
            sandbox.shellDir(),
            command,
            state.succeeding(),
            buildspec.version().carriesShellState());
    int rc = sandbox.shell().run(state.shellProgram(), runAs, script);
    // CodeBuild leaves an empty line after each command's output
    log.accept(new LogLine(Instant.now(), LogLine.Source.STDOUT, ""));
    if (rc != 0) {
      agent.accept("Command did not exit successfully " + command + " exit status " + rc);
    }
    return rc;
  }

  /** The shell lent at a breakpoint: commands run as the phase's own, with its run-as user. */
  private BuildShell lent(@Nullable String runAs) {
    return new BuildShell() {
      @Override
      public int run(String command, Consumer<OutputLine> output)
          throws InterruptedException, ShellClosedException {
        agent.accept("Running command " + command);
        tap.accept(output);
        try {
          return runOne(command, runAs);
        } finally {
          tap.accept(null);
        }
      }

      @Override
      public boolean open() {
        return !sandbox.shell().isClosed();
      }
    };
  }

  /**
   * The final values of the buildspec's exported variables, read from the shell's saved state.
   * Names starting {@code AWS_} cannot be exported (CodeBuild's rule) and are left out.
   */
  List<BuildRecord.NameValue> exportedValues(List<String> wanted) {
    List<String> names = wanted.stream().filter(n -> !n.startsWith("AWS_")).toList();
    if (names.isEmpty()) {
      return List.of();
    }
    try {
      String out =
          sandbox
              .shell()
              .capture(state.shellProgram(), CommandScripts.values(sandbox.shellDir(), names));
      String[] values = out.split("\0", -1);
      List<BuildRecord.NameValue> result = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        result.add(new BuildRecord.NameValue(names.get(i), i < values.length ? values[i] : ""));
      }
      return result;
    } catch (ShellClosedException e) {
      return List.of(); // the sandbox is gone (timeout, crash): nothing to report
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
