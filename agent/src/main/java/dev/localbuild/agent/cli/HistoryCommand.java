package dev.localbuild.agent.cli;

import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.StateDir;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code localbuild history}: the builds this machine kept. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    header = "List the builds this machine kept, newest first.",
    usageHelpWidth = 100,
    description = {
      "Every build's record and log are kept in $LOCALBUILD_HOME/projects/<project>: the newest",
      KeptBuilds.DEFAULT_KEEP
          + " builds of each project, for "
          + KeptBuilds.DEFAULT_KEEP_DAYS
          + " days (LOCALBUILD_KEEP_BUILDS, LOCALBUILD_KEEP_DAYS).",
      "A build is named PROJECT:NUMBER in `localbuild logs` and `localbuild rerun`.",
    })
final class HistoryCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Parameters(arity = "0..1", paramLabel = "PROJECT", description = "Only this project's builds.")
  String project;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "Show at most N builds (default: 20).")
  int limit = 20;

  @Override
  public Integer call() {
    List<KeptBuilds.Kept> builds = new KeptBuilds(StateDir.resolve()).list(project);
    if (builds.isEmpty()) {
      System.err.println(
          "localbuild: no builds kept"
              + (project == null ? "" : " for project " + project)
              + " in "
              + StateDir.resolve()
              + " (run one with: localbuild run)");
      return project == null ? 0 : ExitCodes.USAGE;
    }
    System.out.printf(
        "%-32s %-11s %-20s %-19s %s%n", "BUILD", "STATUS", "SOURCE VERSION", "STARTED", "DURATION");
    for (KeptBuilds.Kept k : builds.subList(0, Math.min(limit, builds.size()))) {
      Instant start = k.start();
      System.out.printf(
          "%-32s %-11s %-20s %-19s %s%n",
          k.project() + ":" + k.number(),
          k.status(),
          k.sourceVersion() == null ? "-" : k.sourceVersion(),
          start == null ? "-" : TIME.format(start),
          start == null || k.end() == null
              ? "-"
              : RunSummary.human(Duration.between(start, k.end())));
    }
    return 0;
  }

  /** A kept build named on the command line, or null after saying on stderr why there is none. */
  static KeptBuilds.Kept find(KeptBuilds kept, String build) {
    try {
      KeptBuilds.Kept k = kept.find(build).orElse(null);
      if (k == null) {
        System.err.println("localbuild: no build " + build + " is kept (see: localbuild history)");
      }
      return k;
    } catch (IllegalArgumentException e) {
      System.err.println("localbuild: " + e.getMessage());
      return null;
    }
  }
}
