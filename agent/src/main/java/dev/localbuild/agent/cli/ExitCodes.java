package dev.localbuild.agent.cli;

import dev.localbuild.runtime.model.StatusType;

/** Exit statuses of {@code localbuild run}: 0 only when the build SUCCEEDED. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int SUCCEEDED = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int FAULT = 3;
  public static final int TIMED_OUT = 4;

  /** The build succeeded, the deploy that followed (--deploy) did not. */
  public static final int DEPLOY_FAILED = 5;

  /** As a shell reports a command ended by Ctrl-C (128 + SIGINT). */
  public static final int STOPPED = 130;

  public static int of(StatusType status) {
    return switch (status) {
      case SUCCEEDED -> SUCCEEDED;
      case FAILED -> FAILED;
      case TIMED_OUT -> TIMED_OUT;
      case STOPPED -> STOPPED;
      case FAULT, IN_PROGRESS -> FAULT;
    };
  }
}
