package dev.localbuild.agent.output;

import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Prints the build log to a stream (stdout) exactly as CodeBuild's log shows it. */
public final class TerminalLog implements LogSink {
  private final Writer out;

  public TerminalLog(PrintStream stream) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 14);
  }

  @Override
  public synchronized void accept(LogLine line) {
    try {
      out.write(ContainerLogFormat.format(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // stdout closed (a pipe to head): the build goes on
    }
  }
}
