package dev.localbuild.runtime.shell;

/**
 * One line a command wrote, without its line terminator.
 *
 * @param stream where it was written
 * @param text the line, decoded as UTF-8
 * @param cut whether it is a piece of an over-long line that the next one continues
 */
public record OutputLine(Stream stream, String text, boolean cut) {
  public OutputLine(Stream stream, String text) {
    this(stream, text, false);
  }

  /** The standard streams of a command. */
  public enum Stream {
    STDOUT,
    STDERR
  }
}
