package dev.localbuild.agent.cli;

import dev.localbuild.agent.docker.DockerClients;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
    footer = {"", "Start with:  localbuild run --help"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The subcommands, by name, in the order help lists them. */
  static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("run", RunCommand.class);
    COMMANDS.put("image", ImageCommand.class);
    COMMANDS.put("aws", AwsCommand.class);
    COMMANDS.put("history", HistoryCommand.class);
    COMMANDS.put("logs", LogsCommand.class);
    COMMANDS.put("rerun", RerunCommand.class);
    COMMANDS.put("reproduce", ReproduceCommand.class);
    COMMANDS.put("attach", AttachCommand.class);
    COMMANDS.put("serve", ServeCommand.class);
    COMMANDS.put("cache", CacheCommand.class);
    COMMANDS.put("help", CommandLine.HelpCommand.class);
    COMMANDS.put("man", ManPage.class);
    COMMANDS.put("train", TrainCommand.class);
    COMMANDS.put("generate-completion", picocli.AutoComplete.GenerateCompletion.class);
  }

  /** Commands that describe the others, so need them all. */
  static final Set<String> NEED_ALL = Set.of("help", "man", "generate-completion");

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("run") || args[0].equals("rerun"))) {
      // a build will want the engine's client: made while picocli reads the command line
      DockerClients.prepare();
    }
    System.exit(commandLine(args).execute(args));
  }

  /** The whole command line. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for these arguments, with localbuild's error handling: usage errors are one
   * line plus a hint. When they name a subcommand, only that one is built: picocli reads every
   * command's annotations when it is added, a tenth of a second for all of them, on every run.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    if (COMMANDS.containsKey(first) && !NEED_ALL.contains(first)) {
      cl.addSubcommand(first, COMMANDS.get(first));
    } else {
      COMMANDS.forEach(cl::addSubcommand);
    }
    CommandLine completion = cl.getSubcommands().get("generate-completion");
    if (completion != null) {
      // the release archive's bash and zsh completion is made with it; not a command for users
      completion.getCommandSpec().usageMessage().hidden(true);
    }
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
    cl.setParameterExceptionHandler((ex, rest) -> {
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
