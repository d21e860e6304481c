package dev.localbuild.runtime.shell;

/**
 * The shell that runs the build's commands went away (its container died, its process was killed)
 * before a command finished. The build cannot go on.
 */
public final class ShellClosedException extends Exception {
  public ShellClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  public ShellClosedException(String message) {
    super(message);
  }
}
