package dev.localbuild.runtime.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's progress on a slow step (an image pull or build, a cache transfer, a deploy's wait),
 * outside the build's log: on the command line it goes to stderr, so stdout stays CodeBuild's log.
 */
public interface Progress {
  /**
   * Where a step is now. A terminal shows it in place at once; a log gets a line at most every few
   * seconds per step, so a pull of a hundred layers is a handful of lines.
   *
   * @param step what is slow, the same text for each update ({@code pulling busybox:latest})
   * @param state how far it is ({@code 3/7 layers, 12.4 MiB of 45.0 MiB})
   */
  void update(String step, String state);

  /** A step's last line, always shown. */
  void done(String step, String state);

  /** Progress nobody watches. */
  Progress NONE =
      new Progress() {
        @Override
        public void update(String step, String state) {}

        @Override
        public void done(String step, String state) {}
      };

  /**
   * Progress as lines of text ({@code step: state}) for a log or a pipe: a step's first update at
   * once, then at most one per {@code every}, and its end.
   */
  static Progress lines(Consumer<String> out, Duration every, Clock clock) {
    return new Progress() {
      private final Map<String, Instant> shown = new HashMap<>();

      @Override
      public synchronized void update(String step, String state) {
        Instant now = clock.instant();
        Instant last = shown.get(step);
        if (last == null || !now.isBefore(last.plus(every))) {
          shown.put(step, now);
          out.accept(step + ": " + state);
        }
      }

      @Override
      public synchronized void done(String step, String state) {
        shown.remove(step);
        out.accept(step + ": " + state);
      }
    };
  }

  /** {@link #lines} every five seconds. */
  static Progress lines(Consumer<String> out) {
    return lines(out, Duration.ofSeconds(5), Clock.systemUTC());
  }

  /** A time as progress shows it: {@code 12.3 s}. */
  static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** A byte count as people read it: {@code 512 B}, {@code 12.4 MiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
