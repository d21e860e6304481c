package dev.localbuild.runtime.shell;

/** Quoting for POSIX shells. */
public final class ShellQuote {
  private ShellQuote() {}

  /** {@code s} as one single-quoted shell word, whatever it contains. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
