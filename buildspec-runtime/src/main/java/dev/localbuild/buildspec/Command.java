package dev.localbuild.buildspec;

import java.util.Objects;

/**
 * One item of a {@code commands} or {@code finally} list: a whole script that runs in one shell
 * process, however many lines it has.
 *
 * @param text the command exactly as written (a block scalar keeps its newlines)
 * @param line the 1-based line of the item in the buildspec, 0 when the command did not come from a
 *     file
 */
public record Command(String text, int line) {
  public Command {
    Objects.requireNonNull(text, "text");
  }

  /** A command that did not come from a buildspec file (tests, console-style build commands). */
  public static Command of(String text) {
    return new Command(text, 0);
  }
}
