package dev.localbuild.agent.batch;

import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import java.io.PrintStream;

/**
 * A batch build's log on the shared stdout: each line whole, with the build's identifier in front,
 * so builds running at once can be told apart (and a line never splits another).
 */
final class PrefixedLog implements LogSink {
  private final PrintStream out;
  private final String prefix;

  PrefixedLog(PrintStream out, String identifier) {
    this.out = out;
    this.prefix = "[" + identifier + "] ";
  }

  @Override
  public void accept(LogLine line) {
    String text = prefix + ContainerLogFormat.format(line);
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }
}
