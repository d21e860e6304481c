package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.server.error.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * StartBuild's request on a project: checked as CodeBuild checks it, and made the build's order.
 */
final class StartRequests {
  private StartRequests() {}

  /** A StartBuild request on a project, as the one build path's order. */
  static BuildOrder order(ObjectNode projectJson, ObjectNode req, String initiator, String region)
      throws ApiException {
    ProjectConfig project;
    try {
      project = ProjectFile.parse(ProjectOverrides.apply(projectJson, req), null, "project");
    } catch (ProjectFile.ProjectFileException e) {
      throw ApiException.invalid(e.getMessage());
    }
    List<ProjectConfig.Variable> vars = new ArrayList<>();
    for (JsonNode v : req.path("environmentVariablesOverride")) {
      String name = text(v, "name");
      String value = text(v, "value");
      String type = text(v, "type") == null ? "PLAINTEXT" : text(v, "type");
      if (name == null || value == null) {
        throw ApiException.invalid(
            "environmentVariablesOverride: each variable needs a name and a value");
      }
      if (!List.of("PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER").contains(type)) {
        throw ApiException.invalid(
            "1 validation error detected: Value '"
                + type
                + "' at 'environmentVariablesOverride.member.type' failed to satisfy constraint:"
                + " Member must satisfy enum value set: [PARAMETER_STORE, PLAINTEXT, SECRETS_MANAGER]");
      }
      vars.add(new ProjectConfig.Variable(name, value, type));
    }
    Duration timeout = minutes(req, "timeoutInMinutesOverride", 2160);
    minutes(req, "queuedTimeoutInMinutesOverride", 480); // checked now; the queue applies it
    Boolean privileged =
        req.has("privilegedModeOverride") ? req.path("privilegedModeOverride").asBoolean() : null;
    return new BuildOrder(
        project,
        null,
        null,
        Map.of(),
        text(req, "sourceVersion"),
        text(req, "buildspecOverride"),
        vars,
        text(req, "imageOverride"),
        privileged,
        timeout,
        null,
        null,
        null,
        region,
        initiator,
        host(req));
  }

  /** How this host runs it: untrusted (a fork's pull request), or as a batch's build. */
  private static BuildOrder.Host host(ObjectNode req) {
    BuildOrder.Host host =
        req.path(BuildService.UNTRUSTED).asBoolean(false)
            ? new BuildOrder.Host(List.of(), null, true, false, false)
            : BuildOrder.Host.NONE;
    JsonNode batch = req.path(BuildService.BATCH);
    return batch.has("identifier")
        ? host.inBatch(batch.path("identifier").asText(), text(batch, "computeType"))
        : host;
  }

  /** A minutes override between 5 and {@code max}, as CodeBuild checks it; null when absent. */
  private static Duration minutes(ObjectNode req, String field, int max) throws ApiException {
    if (!req.has(field)) {
      return null;
    }
    int m = req.path(field).asInt(-1);
    if (m < 5 || m > max) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + req.path(field).asText()
              + "' at '"
              + field
              + "' failed to satisfy constraint: Member must have value between 5 and "
              + max);
    }
    return Duration.ofMinutes(m);
  }

  /** The project's queued timeout, or the build's override: CodeBuild's default is 8 hours. */
  static Duration queuedTimeout(ObjectNode project, ObjectNode request) {
    int minutes =
        request.has("queuedTimeoutInMinutesOverride")
            ? request.path("queuedTimeoutInMinutesOverride").asInt()
            : project.path("queuedTimeoutInMinutes").asInt(480);
    return Duration.ofMinutes(minutes);
  }

  /** The source version a build is of: the request's, else the project's; null for neither. */
  static String sourceVersion(JsonNode project, JsonNode request) {
    String version = text(request, "sourceVersion");
    return version != null ? version : text(project, "sourceVersion");
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
