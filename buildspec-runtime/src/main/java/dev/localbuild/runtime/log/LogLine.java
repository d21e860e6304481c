package dev.localbuild.runtime.log;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a build's log.
 *
 * @param at when it was written
 * @param source who wrote it: the agent (a {@code [Container]} line) or a command
 * @param text the line, without terminator; agent lines may span several lines (a multi-line
 *     command)
 * @param continued whether the next line of this source continues it (an over-long line is cut)
 */
public record LogLine(Instant at, Source source, String text, boolean continued) {
  public LogLine(Instant at, Source source, String text) {
    this(at, source, text, false);
  }

  public LogLine {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
  }

  /** Who wrote a line. */
  public enum Source {
    AGENT,
    STDOUT,
    STDERR
  }
}
