package dev.localbuild.agent.debug;

import dev.localbuild.runtime.BuildHooks;
import dev.localbuild.runtime.BuildShell;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code run --debug} and {@code --debug-on-failure}: the build waits at a {@code
 * codebuild-breakpoint} or at the command that failed, and a person gets a shell inside it, with
 * the build's variables and working directory, as CodeBuild's Session Manager sessions give. On a
 * terminal the shell opens there; elsewhere the run says how to attach. {@code exit} (on the
 * terminal) or {@code codebuild-resume} (anywhere) lets the build go on to its normal end.
 */
public final class DebugHooks implements BuildHooks {
  /** Where the build may pause. */
  public record Debug(boolean breakpoints, boolean failures) {
    public static final Debug NONE = new Debug(false, false);

    public boolean any() {
      return breakpoints || failures;
    }
  }

  /** The debug shell's start-up file in the sandbox's shell directory. */
  public static final String RC = "debug.rc";

  static final String RESUMED = "debug.resumed";
  private final BuildHooks delegate;
  private final Debug debug;
  private final Consumer<String> notices;
  private final boolean terminal;
  private final String buildRef;

  /**
   * @param terminal whether this process has a person's terminal (stdin and stdout)
   * @param buildRef how {@code localbuild attach} names the build
   */
  public DebugHooks(
      BuildHooks delegate,
      Debug debug,
      Consumer<String> notices,
      boolean terminal,
      String buildRef) {
    this.delegate = delegate;
    this.debug = debug;
    this.notices = notices;
    this.terminal = terminal;
    this.buildRef = buildRef;
  }

  /** Whether this process's stdin and stdout are a terminal (the launcher says so). */
  public static boolean terminal() {
    return "1".equals(System.getProperty("localbuild.interactive"));
  }

  @Override
  public void beforeInstall(Sandbox sandbox, Map<String, String> variables, Consumer<String> log)
      throws Exception {
    delegate.beforeInstall(sandbox, variables, log);
  }

  @Override
  public void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log)
      throws InterruptedException {
    if (debug.breakpoints()) {
      pause(sandbox, "at codebuild-breakpoint");
    }
  }

  @Override
  public void commandFailed(Sandbox sandbox, String command, int exitStatus, Consumer<String> log)
      throws InterruptedException {
    if (debug.failures()) {
      pause(sandbox, "at the failing command `" + command + "` (exit status " + exitStatus + ")");
    }
  }

  /** The shell a person gets: the build's state, and codebuild-resume. */
  static String rc(String shellDir) {
    return ". "
        + shellDir
        + "/"
        + CommandScripts.STATE
        + "\ncd \"$PWD\"\n"
        + "alias codebuild-resume='touch "
        + shellDir
        + "/"
        + RESUMED
        + " && exit'\n"
        + "PS1='[localbuild debug] $PWD # '\n";
  }

  /** The command line that opens the debug shell inside the sandbox. */
  static List<String> shell(Sandbox sandbox) {
    List<String> cmd = new ArrayList<>(sandbox.terminalPrefix());
    cmd.addAll(List.of("sh", "-c", "ENV=" + sandbox.shellDir() + "/" + RC + " exec sh -i"));
    return cmd;
  }

  /**
   * Makes the sandbox ready for a person's shell ({@code localbuild attach}): its start-up file,
   * with the build's state.
   *
   * @return false when the sandbox is gone
   */
  public static boolean prepareShell(Sandbox sandbox) throws InterruptedException {
    String dir = sandbox.shellDir();
    try {
      sandbox
          .shell()
          .capture(
              "sh",
              "rm -f "
                  + dir
                  + "/"
                  + RESUMED
                  + "\ncat > "
                  + dir
                  + "/"
                  + RC
                  + " <<'LOCALBUILD_RC'\n"
                  + rc(dir)
                  + "LOCALBUILD_RC\n");
      return true;
    } catch (ShellClosedException e) {
      return false;
    }
  }

  private void pause(Sandbox sandbox, String where) throws InterruptedException {
    if (!prepareShell(sandbox)) {
      return; // the sandbox is gone (a timeout): nothing to look at
    }
    List<String> shell = shell(sandbox);
    if (terminal) {
      notices.accept(
          "paused "
              + where
              + ". This shell is in the build, with its variables and working directory; `exit`"
              + " (or codebuild-resume) lets the build go on.");
      try {
        Process p = new ProcessBuilder(shell).inheritIO().start();
        p.waitFor();
        return;
      } catch (IOException e) {
        notices.accept("cannot open the shell (" + e.getMessage() + ")");
      }
    }
    notices.accept(
        "paused "
            + where
            + ". To look inside: localbuild attach "
            + buildRef
            + " (or "
            + String.join(" ", shell.subList(0, shell.size() - 1))
            + " '"
            + shell.getLast()
            + "'); run codebuild-resume there to let the build go on.");
    waitForResume(sandbox);
  }

  /** Until someone runs codebuild-resume in the build (a person's pace: once a second). */
  private static void waitForResume(Sandbox sandbox) throws InterruptedException {
    String test = "[ -e " + sandbox.shellDir() + "/" + RESUMED + " ] && echo resumed || true";
    while (true) {
      try {
        if (sandbox.shell().capture("sh", test).strip().equals("resumed")) {
          return;
        }
      } catch (ShellClosedException e) {
        return;
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }
}
