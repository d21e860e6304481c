package dev.localbuild.runtime.model;

/**
 * Why a phase ended as it did: CodeBuild's {@code contexts[]} entry and its log line {@code Phase
 * context status code: <code> Message: <message>}. Both are empty on success.
 */
public record PhaseContext(String statusCode, String message) {
  public static final PhaseContext NONE = new PhaseContext("", "");

  public static final String COMMAND_EXECUTION_ERROR = "COMMAND_EXECUTION_ERROR";
  public static final String CLIENT_ERROR = "CLIENT_ERROR";
  public static final String YAML_FILE_ERROR = "YAML_FILE_ERROR";
  public static final String DECRYPTED_VARIABLES_ERROR = "Decrypted Variables Error";
  public static final String BUILD_TIMED_OUT = "BUILD_TIMED_OUT";
  public static final String BUILD_STOPPED = "BUILD_STOPPED";
  public static final String AGENT_ERROR = "AGENT_ERROR";

  /** The context of a command that exited non-zero, worded as CodeBuild words it. */
  public static PhaseContext commandFailed(String command, int exitCode) {
    return new PhaseContext(
        COMMAND_EXECUTION_ERROR,
        "Error while executing command: " + command + ". Reason: exit status " + exitCode);
  }
}
