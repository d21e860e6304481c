package dev.localbuild.agent.cli;

import dev.localbuild.agent.batch.BatchRun;
import dev.localbuild.runtime.log.Progress;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code run --batch} on a terminal: the batch's builds as a table at the bottom of the screen,
 * redrawn in place (ten times a second at most) as they start, change phase and end, with the
 * builds' log lines, the agent's notices and a slow step's progress (a pull) printed above it.
 * Every write to the terminal goes through here, so none lands inside the table: the table is
 * erased (cursor up, clear to the end of the screen), the line printed, the table drawn again.
 */
final class LiveTable implements BatchRun.Display, Progress, Consumer<String> {
  private static final Duration REDRAW = Duration.ofMillis(100);

  private final PrintStream err;
  private final @Nullable PrintStream out;
  private final int width;
  private final InstantSource clock;
  private List<String> rows = List.of();
  private @Nullable String step;
  private int drawn;
  private Instant last = Instant.EPOCH;

  /**
   * @param err the terminal's stderr, where the table is
   * @param out stdout when it is the same terminal (its lines must not land inside the table), else
   *     null
   * @param width the terminal's width: longer rows are cut, so each is one line
   */
  LiveTable(PrintStream err, @Nullable PrintStream out, int width, InstantSource clock) {
    this.err = err;
    this.out = out;
    this.width = Math.max(20, width);
    this.clock = clock;
  }

  /** Where the builds' log lines go: above the table when stdout is the same terminal. */
  PrintStream log(PrintStream stdout) {
    if (out == null) {
      return stdout;
    }
    return new PrintStream(
        new OutputStream() {
          private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

          @Override
          public void write(int b) {
            synchronized (LiveTable.this) {
              if (b == '\n') {
                above(out, line.toString(StandardCharsets.UTF_8));
                line.reset();
              } else {
                line.write(b);
              }
            }
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void show(List<String> next) {
    rows = List.copyOf(next);
    Instant now = clock.instant();
    if (now.isBefore(last.plus(REDRAW))) {
      return; // the next change (or the end) draws it
    }
    last = now;
    erase();
    draw();
  }

  /** A notice: a line of its own above the table. */
  @Override
  public synchronized void accept(String notice) {
    above(err, "localbuild: " + notice);
  }

  @Override
  public synchronized void update(String s, String state) {
    step = s + ": " + state;
    erase();
    draw();
  }

  @Override
  public synchronized void done(String s, String state) {
    step = null;
    above(err, "localbuild: " + s + ": " + state);
  }

  /** Takes the table off the screen, for what is printed after the batch (its summary). */
  synchronized void close() {
    erase();
    rows = List.of();
    step = null;
  }

  private void above(PrintStream stream, String text) {
    erase();
    stream.println(text);
    stream.flush();
    draw();
  }

  private void erase() {
    if (drawn > 0) {
      err.print("\033[" + drawn + "A\r\033[J");
      drawn = 0;
    }
  }

  private void draw() {
    List<String> lines = new ArrayList<>(rows);
    if (step != null) {
      lines.add("localbuild: " + step);
    }
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l.length() > width - 1 ? l.substring(0, width - 4) + "..." : l).append('\n');
    }
    err.print(b);
    err.flush();
    drawn = lines.size();
  }
}
