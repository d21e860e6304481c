package dev.localbuild.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code localbuild}: the command line. */
@Command(
    name = "localbuild",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    usageHelpWidth = 100,
    description = {
      "Runs AWS CodeBuild buildspec.yml files as CodeBuild does: same phases, variables, shell, log lines,",
      "artifacts and exit status, in Docker or on this machine.",
    },
    subcommands = {
      RunCommand.class,
      ImageCommand.class,
      AwsCommand.class,
      HistoryCommand.class,
      LogsCommand.class,
      RerunCommand.class,
      ServeCommand.class,
      CacheCommand.class,
      CommandLine.HelpCommand.class,
      ManPage.class,
      TrainCommand.class,
      picocli.AutoComplete.GenerateCompletion.class
    },
    footer = {"", "Start with:  localbuild run --help"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with localbuild's error handling: usage errors are one line plus a hint. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // the release archive's bash and zsh completion is made with it; not a command for users
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
    cl.setExitCodeExceptionMapper(t -> ExitCodes.FAULT);
    // an unexpected error is localbuild's fault: one line, the stack trace only with
    // LOCALBUILD_DEBUG
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      c.getErr().println("localbuild: internal error: " + ex);
      if (System.getenv("LOCALBUILD_DEBUG") != null) {
        ex.printStackTrace(c.getErr());
      }
      return ExitCodes.FAULT;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("localbuild: " + ex.getMessage());
      c.getErr()
          .println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
