package dev.localbuild.agent.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** AWS errors as CodeBuild words them in logs and contexts. */
public final class AwsErrors {
  private AwsErrors() {}

  /** {@code AccessDeniedException: <message>}: the service's error code, then its message. */
  public static String message(SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
    }
    return e.getMessage();
  }
}
