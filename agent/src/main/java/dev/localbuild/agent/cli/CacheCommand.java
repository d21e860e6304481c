package dev.localbuild.agent.cli;

import dev.localbuild.agent.cache.LocalCaches;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.runtime.log.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code localbuild cache}: the caches this machine keeps for builds. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    header = "List and prune the caches this machine keeps for builds.",
    usageHelpWidth = 100,
    description = {
      "The buildspec caches of builds without a project, git source caches and the host executor's",
      "custom caches, in $LOCALBUILD_HOME/cache. Together they are kept under 20 GiB: after each",
      "build the least recently used go first. Docker layer caches have their own bound.",
    },
    subcommands = {CacheCommand.Ls.class, CacheCommand.Prune.class})
final class CacheCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "Lists the caches, most recently used first.")
  static final class Ls implements Callable<Integer> {
    @Override
    public Integer call() {
      var entries = new LocalCaches(StateDir.resolve()).list();
      System.out.printf("%-10s %-40s %10s  %s%n", "KIND", "NAME", "SIZE", "LAST USED");
      for (var e : entries) {
        System.out.printf(
            "%-10s %-40s %10s  %s%n",
            e.kind(),
            e.name(),
            Progress.bytes(e.bytes()),
            e.lastUsed().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      }
      return 0;
    }
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description =
          "Removes the least recently used caches beyond a size, or those unused for a while.")
  static final class Prune implements Callable<Integer> {
    @Option(
        names = "--max-size",
        paramLabel = "SIZE",
        description = "Keep at most this much, e.g. 5G, 500M (default: 20G).")
    String maxSize = "20G";

    @Option(
        names = "--unused-for",
        paramLabel = "DURATION",
        description = "Also remove caches unused for this long, e.g. 7d, 12h.")
    String unusedFor;

    @Option(names = "--all", description = "Remove every cache.")
    boolean all;

    @Override
    public Integer call() {
      long limit;
      Instant since = null;
      try {
        limit = all ? -1 : bytes(maxSize);
        if (unusedFor != null) {
          since = Instant.now().minus(duration(unusedFor));
        }
      } catch (IllegalArgumentException e) {
        System.err.println("localbuild: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      var removed = new LocalCaches(StateDir.resolve()).prune(limit, since);
      removed.forEach(e ->
          System.out.println(
              "removed "
                  + e.kind()
                  + " cache "
                  + e.name()
                  + " ("
                  + Progress.bytes(e.bytes())
                  + ")"));
      System.err.println("localbuild: removed " + removed.size() + " cache(s)");
      return 0;
    }
  }

  static long bytes(String text) {
    var m =
        java.util.regex.Pattern.compile(
                "(\\d+)([KMGT]?)i?B?", java.util.regex.Pattern.CASE_INSENSITIVE)
            .matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--max-size " + text + ": expected a size such as 500M or 20G");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toUpperCase(Locale.ROOT)) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      case "G" -> n << 30;
      case "T" -> n << 40;
      default -> n;
    };
  }

  static Duration duration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d+)([dhm])").matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--unused-for " + text + ": expected a duration such as 7d, 12h, 30m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
