package dev.localbuild.buildspec.parse;

/**
 * A buildspec CodeBuild would refuse. Carries CodeBuild's phase context (status code and message,
 * which the build log and record show exactly as CodeBuild does) and where the problem is (file,
 * line, key path) for the person fixing it.
 */
public final class BuildspecException extends RuntimeException {
  /** CodeBuild's context status code for every buildspec error. */
  public static final String YAML_FILE_ERROR = "YAML_FILE_ERROR";

  private final String location;
  private final int line;
  private final String path;
  private final String contextMessage;

  /**
   * @param location the buildspec's path, or {@code inline}
   * @param line 1-based line, 0 when the problem is not at a line (missing file)
   * @param path the key path, e.g. {@code phases.build.commands[2]}; empty for the whole file
   * @param contextMessage the message CodeBuild shows after {@code YAML_FILE_ERROR Message:}
   */
  public BuildspecException(String location, int line, String path, String contextMessage) {
    super(describe(location, line, path, contextMessage));
    this.location = location;
    this.line = line;
    this.path = path;
    this.contextMessage = contextMessage;
  }

  private static String describe(String location, int line, String path, String message) {
    StringBuilder b = new StringBuilder(location);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }

  public String location() {
    return location;
  }

  public int line() {
    return line;
  }

  public String path() {
    return path;
  }

  /** Always {@code YAML_FILE_ERROR}: every buildspec problem is one in CodeBuild. */
  public String statusCode() {
    return YAML_FILE_ERROR;
  }

  /** The message exactly as CodeBuild words it, without location. */
  public String contextMessage() {
    return contextMessage;
  }
}
