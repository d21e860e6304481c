package dev.localbuild.agent.build;

import dev.localbuild.buildspec.SecretRef;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to tell a user whose build asked the local AWS for a parameter or secret it does not have:
 * where to add it (the local AWS's {@code parameters.json}) and the AWS CLI command that creates
 * it. The build's own failure keeps CodeBuild's words.
 */
final class LocalSecretsHint {
  private static final String MISSING_PARAMETER = "parameter does not exist: ";

  private LocalSecretsHint() {}

  /**
   * @param failure the resolver's message (CodeBuild's)
   * @param secrets the build's secret references, to name the one that may be missing
   * @param file the local AWS's parameters.json
   * @param endpoint the local AWS's endpoint
   * @return the hint, or empty when the failure is not something missing
   */
  static Optional<String> of(
      String failure, Map<String, SecretRef> secrets, Path file, @Nullable URI endpoint) {
    String cli = "aws" + (endpoint == null ? "" : " --endpoint-url " + endpoint);
    if (failure.startsWith(MISSING_PARAMETER)) {
      String name = failure.substring(MISSING_PARAMETER.length()).strip();
      return Optional.of(
          "the local AWS has no parameter "
              + name
              + ": add it to "
              + file
              + " (\"parameters\": {\""
              + name
              + "\": \"VALUE\"}), or create it with: "
              + cli
              + " ssm put-parameter --name "
              + name
              + " --type SecureString --value VALUE");
    }
    if (failure.contains("can't find the specified secret")) {
      // the service's message does not name the secret: only a build that names one can
      List<String> ids = secrets.values().stream().map(SecretRef::secretId).distinct().toList();
      String id = ids.size() == 1 ? ids.getFirst() : "NAME";
      return Optional.of(
          "the local AWS has no secret "
              + (ids.size() == 1 ? id : "of those the build names")
              + ": add it to "
              + file
              + " (\"secrets\": {\""
              + id
              + "\": \"VALUE\"}), or create it with: "
              + cli
              + " secretsmanager create-secret --name "
              + id
              + " --secret-string VALUE");
    }
    return Optional.empty();
  }
}
