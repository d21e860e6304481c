package dev.localbuild.runtime.sandbox;

/**
 * A sandbox could not be made. {@link #userError()} tells whether it is the user's input (no such
 * image, a source directory that does not exist: the build FAILED with CLIENT_ERROR) or the agent's
 * environment (Docker unreachable: the build is a FAULT).
 */
public final class ProvisioningException extends Exception {
  private final boolean userError;

  public ProvisioningException(String message, boolean userError, Throwable cause) {
    super(message, cause);
    this.userError = userError;
  }

  public ProvisioningException(String message, boolean userError) {
    super(message);
    this.userError = userError;
  }

  public boolean userError() {
    return userError;
  }
}
