package dev.localbuild.localaws;

/**
 * An AWS error answer: {@code {"__type": type, "message": message}} with an HTTP status, as the AWS
 * JSON protocol shapes it (the SDKs and the CLI turn {@code type} into the exception's name).
 */
public final class AwsError extends RuntimeException {
  private final String type;
  private final int status;

  public AwsError(String type, String message, int status) {
    super(message);
    this.type = type;
    this.status = status;
  }

  public AwsError(String type, String message) {
    this(type, message, 400);
  }

  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  static AwsError invalid(String message) {
    return new AwsError("InvalidParameterException", message);
  }
}
