package dev.localbuild.runtime.shell;

/**
 * One line a command wrote, without its line terminator.
 *
 * @param stream where it was written
 * @param text the line, decoded as UTF-8
 */
public record OutputLine(Stream stream, String text) {
  /** The standard streams of a command. */
  public enum Stream {
    STDOUT,
    STDERR
  }
}
