package dev.localbuild.agent.cli;

import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.StateDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code localbuild logs}: a kept build's log. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    header = "Print a build's log, as the terminal showed it (secrets masked).",
    usageHelpWidth = 100,
    description = {
      "BUILD is PROJECT:NUMBER (see `localbuild history`), a build id or a build ARN.",
      "With -f, a running build's log is followed until the build ends.",
    })
final class LogsCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(200);

  @Parameters(paramLabel = "BUILD", description = "The build.")
  String build;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow a running build's log until it ends.")
  boolean follow;

  @Override
  public Integer call() throws IOException, InterruptedException {
    KeptBuilds kept = new KeptBuilds(StateDir.resolve());
    KeptBuilds.Kept k = HistoryCommand.find(kept, build);
    if (k == null) {
      return ExitCodes.USAGE;
    }
    Path log = kept.logFile(k.project(), k.number());
    if (!Files.exists(log) && !follow) {
      System.err.println(
          "localbuild: build " + build + " has no kept log (it ran before logs were kept)");
      return ExitCodes.USAGE;
    }
    long offset = 0;
    byte[] buf = new byte[1 << 16];
    while (true) {
      if (Files.exists(log)) {
        try (InputStream in = Files.newInputStream(log)) {
          in.skipNBytes(offset);
          int n;
          while ((n = in.read(buf)) > 0) {
            System.out.write(buf, 0, n);
            offset += n;
          }
          System.out.flush();
        }
      }
      if (!follow) {
        return 0;
      }
      // a build whose agent died stays IN_PROGRESS until recovered: recover it, then it is over
      new BuildHistory(StateDir.resolve()).recoverAbandoned();
      var now = kept.find(build).orElse(k);
      if (now.complete()) {
        follow = false; // one more read: the last lines written before the record said so
        continue;
      }
      Thread.sleep(POLL.toMillis()); // a follower polls a file: there is nothing to wait on
    }
  }
}
