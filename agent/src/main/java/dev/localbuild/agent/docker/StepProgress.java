package dev.localbuild.agent.docker;

import java.util.Optional;

/**
 * Where an image build is, from the engine's output stream: the current {@code Step N/M} and the
 * last line it printed, so a step that runs for minutes (an {@code apt-get install}) still shows
 * that it moves.
 */
final class StepProgress {
  static final int WIDTH = 100;
  private String step = "";

  /**
   * One chunk of the build's output.
   *
   * @return the progress to show, if the chunk says anything
   */
  Optional<String> accept(String chunk) {
    String last = null;
    for (String line : chunk.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("---> ") || l.startsWith("Removing intermediate")) {
        continue;
      }
      if (l.startsWith("Step ")) {
        step = shorten(l);
        last = null;
      } else {
        last = l;
      }
    }
    if (step.isEmpty() && last == null) {
      return Optional.empty();
    }
    return Optional.of(last == null ? step : step + " | " + shorten(last));
  }

  private static String shorten(String s) {
    return s.length() <= WIDTH ? s : s.substring(0, WIDTH - 3) + "...";
  }
}
