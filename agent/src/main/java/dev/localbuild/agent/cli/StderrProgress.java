package dev.localbuild.agent.cli;

import dev.localbuild.runtime.log.Progress;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The command line's stderr: the agent's notices ({@code localbuild: ...}) and its progress. On a
 * terminal a slow step's progress is one line rewritten in place (ten times a second at most), and
 * a notice or a step's end replaces it; elsewhere (a pipe, a CI log) progress is a line every few
 * seconds. Both go through here so that a notice never lands in the middle of a progress line.
 */
final class StderrProgress implements Progress, Consumer<String> {
  private static final String PREFIX = "localbuild: ";
  private static final Duration REDRAW = Duration.ofMillis(100);

  private final PrintStream err;
  private final boolean terminal;
  private final int width;
  private final Clock clock;
  private final Progress lines;
  private boolean pending;
  private Instant drawn = Instant.EPOCH;

  StderrProgress(PrintStream err, boolean terminal, int width, Clock clock) {
    this.err = err;
    this.terminal = terminal;
    this.width = width;
    this.clock = clock;
    this.lines = Progress.lines(this::accept, Duration.ofSeconds(5), clock);
  }

  /**
   * stderr as it is: the launcher says whether it is a terminal ({@code -Dlocalbuild.tty=1}, from
   * {@code test -t 2}), as Java 21 cannot tell, and {@code COLUMNS} how wide, if set.
   */
  static StderrProgress system() {
    boolean tty = "1".equals(System.getProperty("localbuild.tty"));
    int width = 100;
    try {
      width = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
    } catch (NumberFormatException e) {
      // keep 100
    }
    return new StderrProgress(System.err, tty, Math.max(40, width), Clock.systemUTC());
  }

  /** Whether stderr is a terminal (progress is drawn in place there). */
  boolean terminal() {
    return terminal;
  }

  /** The terminal's width, or 100. */
  int width() {
    return width;
  }

  /** A notice: its own line. */
  @Override
  public synchronized void accept(String notice) {
    clear();
    err.println(PREFIX + notice);
  }

  @Override
  public synchronized void update(String step, String state) {
    if (!terminal) {
      lines.update(step, state);
      return;
    }
    Instant now = clock.instant();
    if (pending && now.isBefore(drawn.plus(REDRAW))) {
      return;
    }
    drawn = now;
    String line = PREFIX + step + ": " + state;
    if (line.length() > width - 1) {
      line = line.substring(0, width - 4) + "...";
    }
    err.print("\r\033[K" + line);
    err.flush();
    pending = true;
  }

  @Override
  public synchronized void done(String step, String state) {
    if (!terminal) {
      lines.done(step, state);
      return;
    }
    accept(step + ": " + state);
  }

  private void clear() {
    if (pending) {
      err.print("\r\033[K");
      pending = false;
    }
  }
}
