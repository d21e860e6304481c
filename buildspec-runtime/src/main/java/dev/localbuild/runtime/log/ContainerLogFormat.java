package dev.localbuild.runtime.log;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * CodeBuild's log line shape: agent lines are {@code [Container] YYYY/MM/DD HH:MM:SS.ffffff
 * message} in UTC (microseconds, as in 2024 and later logs); command output is printed as it is.
 */
public final class ContainerLogFormat {
  private ContainerLogFormat() {}

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /** The line as CodeBuild's log shows it. */
  public static String format(LogLine line) {
    if (line.source() == LogLine.Source.AGENT) {
      return "[Container] " + STAMP.format(line.at()) + " " + line.text();
    }
    return line.text();
  }
}
