package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.AwsAccess;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.OrderResolver;
import dev.localbuild.agent.record.RecordJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The record of a build before it runs (what StartBuild answers, and BatchGetBuilds while it
 * waits), and what becomes of it when it stops or cannot start: CodeBuild's Build shape throughout.
 */
final class QueuedRecord {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  private QueuedRecord() {}

  static ObjectNode of(
      String id,
      String arn,
      BuildLauncher.Reservation reservation,
      String projectName,
      ObjectNode project,
      ObjectNode request,
      String initiator) {
    ObjectNode b = RecordJson.MAPPER.createObjectNode();
    String start = TIME.format(reservation.submitted());
    b.put("id", id);
    b.put("arn", arn);
    b.put("buildNumber", reservation.number());
    b.put("startTime", start);
    b.put("currentPhase", "QUEUED");
    b.put("buildStatus", "IN_PROGRESS");
    String version = StartRequests.sourceVersion(project, request);
    if (version != null) {
      b.put("sourceVersion", version);
    }
    b.put("projectName", projectName);
    String batch = StartRequests.text(request.path(BuildService.BATCH), "arn");
    if (batch != null) {
      b.put("buildBatchArn", batch);
    }
    ArrayNode phases = b.putArray("phases");
    phases
        .addObject()
        .put("phaseType", "SUBMITTED")
        .put("phaseStatus", "SUCCEEDED")
        .put("startTime", start)
        .put("endTime", start)
        .put("durationInSeconds", 0);
    phases
        .addObject()
        .put("phaseType", "QUEUED")
        .put("phaseStatus", "IN_PROGRESS")
        .put("startTime", start);
    ObjectNode source = project.path("source").deepCopy();
    if (request.has("buildspecOverride")) {
      source.put("buildspec", request.path("buildspecOverride").asText());
    }
    b.set("source", source);
    ObjectNode env = project.path("environment").deepCopy();
    if (!env.has("type")) {
      env.put("type", "LINUX_CONTAINER");
    }
    if (request.has("imageOverride")) {
      env.put("image", request.path("imageOverride").asText());
    } else if (!env.has("image")) {
      env.put("image", OrderResolver.DEFAULT_IMAGE);
    }
    if (!env.has("computeType")) {
      env.put("computeType", "BUILD_GENERAL1_SMALL");
    }
    if (request.has("privilegedModeOverride")) {
      env.put("privilegedMode", request.path("privilegedModeOverride").asBoolean());
    }
    if (request.has("environmentVariablesOverride")) {
      ArrayNode vars = env.withArray("environmentVariables");
      for (JsonNode v : request.path("environmentVariablesOverride")) {
        ObjectNode o = v.deepCopy();
        if (!o.has("type")) {
          o.put("type", "PLAINTEXT");
        }
        for (int i = vars.size() - 1; i >= 0; i--) {
          if (vars.get(i).path("name").asText().equals(o.path("name").asText())) {
            vars.remove(i);
          }
        }
        vars.add(o);
      }
    }
    b.set("environment", env);
    // the settings the running build's record repeats, as it will give them
    ObjectNode cache =
        project.path("cache") instanceof ObjectNode c
            ? c.deepCopy()
            : RecordJson.MAPPER.createObjectNode().put("type", "NO_CACHE");
    b.set("cache", cache);
    String role = StartRequests.text(project, "serviceRole");
    if (role != null) {
      b.put("serviceRole", AwsAccess.roleArn(role, arn.split(":")[4]));
    }
    RecordJson.logs(b.putObject("logs"), id, arn, projectName);
    b.put(
        "timeoutInMinutes",
        request.has("timeoutInMinutesOverride")
            ? request.path("timeoutInMinutesOverride").asInt()
            : project.path("timeoutInMinutes").asInt(60));
    b.put("queuedTimeoutInMinutes", StartRequests.queuedTimeout(project, request).toMinutes());
    b.put("buildComplete", false);
    b.put("initiator", initiator);
    String key = StartRequests.text(project, "encryptionKey");
    b.put(
        "encryptionKey",
        key != null
            ? key
            : OrderResolver.defaultEncryptionKey(arn.split(":")[3], arn.split(":")[4]));
    return b;
  }

  /** A queued build stopped: it never had a container. */
  static void stopped(ObjectNode r) {
    end(r, "STOPPED", null, null);
  }

  /**
   * A build that waited longer than its queued timeout: the QUEUED phase and the build are
   * TIMED_OUT; it never had a container.
   */
  static void timedOut(ObjectNode r, java.time.Duration waited) {
    String now = TIME.format(Instant.now());
    for (JsonNode p : r.path("phases")) {
      if ("IN_PROGRESS".equals(p.path("phaseStatus").asText())) {
        ObjectNode phase = (ObjectNode) p;
        phase.put("phaseStatus", "TIMED_OUT");
        phase.put("endTime", now);
        phase.put("durationInSeconds", durationSeconds(phase.path("startTime").asText(), now));
        phase
            .putArray("contexts")
            .addObject()
            .put("statusCode", "BUILD_TIMED_OUT")
            .put(
                "message", "Build timed out in the queue after " + waited.toMinutes() + " minutes");
      }
    }
    ((ArrayNode) r.path("phases")).addObject().put("phaseType", "COMPLETED").put("startTime", now);
    r.put("currentPhase", "COMPLETED");
    r.put("buildStatus", "TIMED_OUT");
    r.put("endTime", now);
    r.put("buildComplete", true);
  }

  private static long durationSeconds(String from, String to) {
    return java.time.Duration.between(
            java.time.OffsetDateTime.parse(from, TIME), java.time.OffsetDateTime.parse(to, TIME))
        .toSeconds();
  }

  /** A build that could not start: PROVISIONING FAILED (the order's fault) or FAULT (ours). */
  static void failedProvisioning(ObjectNode r, String status, String code, String message) {
    end(r, status, code, message);
  }

  private static void end(ObjectNode r, String status, String code, String message) {
    String now = TIME.format(Instant.now());
    ArrayNode phases = (ArrayNode) r.path("phases");
    for (JsonNode p : phases) {
      if ("IN_PROGRESS".equals(p.path("phaseStatus").asText())) {
        ObjectNode phase = (ObjectNode) p;
        phase.put("phaseStatus", code == null ? status : "SUCCEEDED");
        phase.put("endTime", now);
      }
    }
    if (code != null) {
      ObjectNode provisioning =
          phases
              .addObject()
              .put("phaseType", "PROVISIONING")
              .put("phaseStatus", status)
              .put("startTime", now)
              .put("endTime", now)
              .put("durationInSeconds", 0);
      provisioning.putArray("contexts").addObject().put("statusCode", code).put("message", message);
    }
    phases.addObject().put("phaseType", "COMPLETED").put("startTime", now);
    r.put("currentPhase", "COMPLETED");
    r.put("buildStatus", status);
    r.put("endTime", now);
    r.put("buildComplete", true);
  }
}
