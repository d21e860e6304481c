package dev.localbuild.runtime;

import dev.localbuild.buildspec.SecretRef;
import java.util.List;
import java.util.Map;

/**
 * Resolves Parameter Store and Secrets Manager references (AWS, or the embedded local AWS). A
 * failure fails DOWNLOAD_SOURCE with CodeBuild's {@code Decrypted Variables Error}.
 */
public interface SecretResolver {
  /**
   * @param parameters local name to SSM parameter name
   * @param secrets local name to secret reference
   * @return local name to value, for every name given
   * @throws SecretResolutionException with CodeBuild's message (e.g. {@code parameter does not
   *     exist: /x})
   */
  Map<String, String> resolve(Map<String, String> parameters, Map<String, SecretRef> secrets)
      throws SecretResolutionException;

  /**
   * Values the build can read that are secret though no reference names them: the access key and
   * secret key the build's credentials endpoint serves. The log masks them too.
   */
  default List<String> credentialValues() {
    return List.of();
  }

  /** A resolver for builds that use no references; any reference fails with {@code reason}. */
  static SecretResolver unavailable(String reason) {
    return (parameters, secrets) -> {
      if (parameters.isEmpty() && secrets.isEmpty()) {
        return Map.of();
      }
      throw new SecretResolutionException(reason);
    };
  }

  /** A reference could not be resolved. */
  final class SecretResolutionException extends Exception {
    public SecretResolutionException(String message) {
      super(message);
    }

    public SecretResolutionException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
