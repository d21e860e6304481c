package dev.localbuild.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.ProjectStore;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * CreateWebhook, UpdateWebhook and DeleteWebhook: a project's webhook is its payload URL on this
 * server, a secret for the Git host to sign deliveries with, and CodeBuild's filter groups. It is
 * kept in the project, where BatchGetProjects shows it (without the secret, which CreateWebhook and
 * a rotation answer once).
 */
public final class WebhookApi {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ProjectStore projects;
  private final Supplier<String> baseUrl;
  private final String projectArnPrefix;

  /**
   * @param baseUrl where Git hosts reach this server ({@code http://host:port})
   * @param projectArnPrefix {@code arn:aws:codebuild:REGION:ACCOUNT:project/}
   */
  public WebhookApi(ProjectStore projects, Supplier<String> baseUrl, String projectArnPrefix) {
    this.projects = projects;
    this.baseUrl = baseUrl;
    this.projectArnPrefix = projectArnPrefix;
  }

  /** The payload URL of a project's webhook. */
  public String payloadUrl(String project) {
    return baseUrl.get() + "/webhooks/" + project;
  }

  public JsonNode create(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "projectName");
    ObjectNode project = project(name);
    if (project.has("webhook")) {
      throw new ApiException(
          "ResourceAlreadyExistsException",
          "Webhook already exists for " + projectArnPrefix + name);
    }
    ObjectNode hook = RecordJson.MAPPER.createObjectNode();
    hook.put("url", payloadUrl(name));
    hook.put("payloadUrl", payloadUrl(name));
    hook.put("secret", newSecret());
    settings(in, hook);
    hook.put("manualCreation", in.path("manualCreation").asBoolean(false));
    hook.put("lastModifiedSecret", Instant.now().toString());
    hook.put("status", "ACTIVE");
    project.set("webhook", hook);
    project.put("lastModified", Instant.now().toString());
    projects.update(name, project);
    return answer(hook, true);
  }

  public JsonNode update(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "projectName");
    ObjectNode project = project(name);
    if (!(project.get("webhook") instanceof ObjectNode hook)) {
      throw notFound(name);
    }
    settings(in, hook);
    boolean rotated = in.path("rotateSecret").asBoolean(false);
    if (rotated) {
      hook.put("secret", newSecret());
      hook.put("lastModifiedSecret", Instant.now().toString());
    }
    projects.update(name, project);
    return answer(hook, rotated);
  }

  public JsonNode delete(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "projectName");
    ObjectNode project = project(name);
    if (project.remove("webhook") == null) {
      throw notFound(name);
    }
    projects.update(name, project);
    return RecordJson.MAPPER.createObjectNode();
  }

  /** A project as BatchGetProjects shows it: the webhook's secret left out. */
  public static ObjectNode shown(ObjectNode project) {
    if (project.get("webhook") instanceof ObjectNode hook && hook.has("secret")) {
      ObjectNode copy = project.deepCopy();
      ((ObjectNode) copy.get("webhook")).remove("secret");
      return copy;
    }
    return project;
  }

  private void settings(ObjectNode in, ObjectNode hook) throws ApiException {
    if (in.has("filterGroups")) {
      var bad = WebhookFilters.invalid(in.get("filterGroups"));
      if (bad.isPresent()) {
        throw new ApiException("InvalidInputException", bad.get());
      }
      hook.set("filterGroups", in.get("filterGroups"));
    }
    if (in.has("branchFilter")) {
      hook.put("branchFilter", in.get("branchFilter").asText());
    }
    String buildType = in.path("buildType").asText(hook.path("buildType").asText("BUILD"));
    if (!List.of("BUILD", "BUILD_BATCH").contains(buildType)) {
      throw new ApiException(
          "InvalidInputException", "buildType " + buildType + " is not supported here");
    }
    if (buildType.equals("BUILD_BATCH")) {
      throw new ApiException(
          "InvalidInputException",
          "buildType BUILD_BATCH: batch builds are not run by this server yet");
    }
    hook.put("buildType", buildType);
    if (in.has("pullRequestBuildPolicy")) {
      String approval =
          in.path("pullRequestBuildPolicy").path("requiresCommentApproval").asText("");
      if (!List.of("DISABLED", "ALL_PULL_REQUESTS", "FORK_PULL_REQUESTS").contains(approval)) {
        throw new ApiException(
            "InvalidInputException", "requiresCommentApproval " + approval + " is not valid");
      }
      hook.set("pullRequestBuildPolicy", in.get("pullRequestBuildPolicy"));
    }
  }

  private static JsonNode answer(ObjectNode hook, boolean withSecret) {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ObjectNode h = hook.deepCopy();
    if (!withSecret) {
      h.remove("secret");
    }
    out.set("webhook", h);
    return out;
  }

  private ObjectNode project(String name) throws ApiException, SQLException {
    return projects
        .get(name)
        .orElseThrow(
            () -> ApiException.notFound("Project cannot be found: " + projectArnPrefix + name));
  }

  private ApiException notFound(String name) {
    return ApiException.notFound("Webhook does not exist for " + projectArnPrefix + name);
  }

  private static String required(ObjectNode in, String member) throws ApiException {
    String v = in.path(member).asText(null);
    if (v == null || v.isBlank()) {
      throw ApiException.invalid(
          "1 validation error detected: Value null at '"
              + member
              + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }

  private static String newSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
