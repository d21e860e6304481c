package dev.localbuild.agent.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code localbuild man}: the manual page, in roff, made from the commands' own {@code --help}, so
 * that the two never disagree. The release archive installs it as {@code man1/localbuild.1}.
 */
@Command(
    name = "man",
    hidden = true,
    description = "Prints localbuild's manual page (roff, for man1/localbuild.1).")
final class ManPage implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.parent().commandLine();
    PrintWriter out = spec.commandLine().getOut();
    out.print(render(root, LocalDate.now()));
    out.flush();
    return 0;
  }

  /** The page: NAME, SYNOPSIS, DESCRIPTION, then each visible command's help, nested ones too. */
  static String render(CommandLine root, LocalDate date) {
    StringBuilder b = new StringBuilder();
    b.append(".TH LOCALBUILD 1 \"")
        .append(date)
        .append("\" \"localbuild ")
        .append(roff(Version.current()))
        .append("\" \"User Commands\"\n");
    b.append(".SH NAME\nlocalbuild \\- ")
        .append(roff(String.join(" ", root.getCommandSpec().usageMessage().description())))
        .append('\n');
    b.append(".SH SYNOPSIS\n.B localbuild\n.I COMMAND\n[\\fIOPTIONS\\fR]\n");
    b.append(".SH DESCRIPTION\n");
    preformatted(b, root.getUsageMessage(CommandLine.Help.Ansi.OFF));
    b.append(".SH COMMANDS\n");
    for (CommandLine c : visible(root)) {
      b.append(".SS \"").append(roff(c.getCommandSpec().qualifiedName())).append("\"\n");
      preformatted(b, c.getUsageMessage(CommandLine.Help.Ansi.OFF));
    }
    b.append(".SH ENVIRONMENT\n.TP\n.B LOCALBUILD_HOME\n")
        .append("Where records, logs, caches and the local AWS are kept (default ~/.localbuild).\n")
        .append(".TP\n.B LOCALBUILD_JAVA_OPTS\nOptions added to the JVM's.\n")
        .append(".TP\n.B DOCKER_HOST\nThe Docker engine builds run on.\n");
    b.append(".SH EXIT STATUS\n")
        .append("Of localbuild run: ")
        .append(ExitCodes.SUCCEEDED)
        .append(" when the build SUCCEEDED, ")
        .append(ExitCodes.FAILED)
        .append(" FAILED, ")
        .append(ExitCodes.USAGE)
        .append(" a usage error, ")
        .append(ExitCodes.FAULT)
        .append(" FAULT, ")
        .append(ExitCodes.TIMED_OUT)
        .append(" TIMED_OUT, ")
        .append(ExitCodes.DEPLOY_FAILED)
        .append(" the build succeeded and its deploy did not, ")
        .append(ExitCodes.STOPPED)
        .append(" STOPPED (Ctrl\\-C).\n");
    return b.toString();
  }

  private static List<CommandLine> visible(CommandLine c) {
    List<CommandLine> out = new ArrayList<>();
    for (CommandLine sub : c.getSubcommands().values()) {
      if (sub.getCommandSpec().usageMessage().hidden()
          || out.contains(sub)
          || sub.getCommandName().equals("help")) {
        continue; // aliases map to the same command: once
      }
      out.add(sub);
      out.addAll(visible(sub));
    }
    return out;
  }

  private static void preformatted(StringBuilder b, String text) {
    b.append(".nf\n");
    for (String line : text.strip().split("\n", -1)) {
      b.append(roff(line)).append('\n');
    }
    b.append(".fi\n");
  }

  /** Text as roff shows it literally: backslashes escaped, no line taken for a request. */
  static String roff(String s) {
    String t = s.replace("\\", "\\e").replace("-", "\\-");
    return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
  }
}
