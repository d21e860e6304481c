package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * StartBuild's overrides of project settings, applied to the project as CodeBuild applies them: for
 * this build only, each replacing the project's member (a whole {@code artifacts} or {@code cache},
 * a source's location or type, ...). The overrides of the run itself (variables, image, buildspec,
 * privileged mode, timeouts) go to the build order instead; the rest of StartBuild's members
 * concern AWS features this server does not have (certificates, KMS, debug sessions) and change
 * nothing here.
 */
final class ProjectOverrides {
  /** Override → the project member it replaces. */
  private static final Map<String, String> WHOLE =
      Map.of(
          "artifactsOverride", "artifacts",
          "secondaryArtifactsOverride", "secondaryArtifacts",
          "secondarySourcesOverride", "secondarySources",
          "secondarySourcesVersionOverride", "secondarySourceVersions",
          "cacheOverride", "cache",
          "serviceRoleOverride", "serviceRole",
          "logsConfigOverride", "logsConfig",
          "buildBatchConfigOverride", "buildBatchConfig");

  /** Override → the member of {@code source} it replaces. */
  private static final Map<String, String> SOURCE =
      Map.of(
          "sourceLocationOverride", "location",
          "sourceTypeOverride", "type",
          "gitCloneDepthOverride", "gitCloneDepth",
          "gitSubmodulesConfigOverride", "gitSubmodulesConfig",
          "insecureSslOverride", "insecureSsl");

  /** Override → the member of {@code environment} it replaces. */
  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "environmentTypeOverride", "type",
          "computeTypeOverride", "computeType",
          "registryCredentialOverride", "registryCredential",
          "imagePullCredentialsTypeOverride", "imagePullCredentialsType",
          "fleetOverride", "fleet");

  private ProjectOverrides() {}

  /** The project as this build sees it; the stored project is not changed. */
  static ObjectNode apply(ObjectNode project, ObjectNode request) {
    ObjectNode p = project.deepCopy();
    copy(request, WHOLE, p, null);
    copy(request, SOURCE, p, "source");
    copy(request, ENVIRONMENT, p, "environment");
    return p;
  }

  /** Copies the overrides present into the project, or into its member {@code within}. */
  private static void copy(
      ObjectNode request, Map<String, String> overrides, ObjectNode project, String within) {
    overrides.forEach((field, member) -> {
      JsonNode v = request.get(field);
      if (v == null || v.isNull()) {
        return;
      }
      ObjectNode to = project;
      if (within != null) {
        to = project.get(within) instanceof ObjectNode o ? o : project.putObject(within);
      }
      to.set(member, v.deepCopy());
    });
  }
}
