package dev.localbuild.server.error;

/**
 * A request CodeBuild would refuse, with CodeBuild's error type ({@code __type}) and HTTP status:
 * the server answers it as AWS answers, never with a stack trace.
 */
public final class ApiException extends Exception {
  private final String type;
  private final int status;

  public ApiException(String type, String message) {
    this(type, message, 400);
  }

  public ApiException(String type, String message, int status) {
    super(message);
    this.type = type;
    this.status = status;
  }

  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  public static ApiException invalid(String message) {
    return new ApiException("InvalidInputException", message);
  }

  /** CloudWatch Logs' word for a bad request. */
  public static ApiException invalidParameter(String message) {
    return new ApiException("InvalidParameterException", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException("ResourceNotFoundException", message);
  }
}
