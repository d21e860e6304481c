package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.batch.BatchPlan;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.store.BuildStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A batch's record in CodeBuild's BuildBatch shape: its phases (SUBMITTED, DOWNLOAD_BATCHSPEC,
 * IN_PROGRESS, then SUCCEEDED, FAILED or STOPPED) and its build groups, each with its current
 * build's summary and the builds a retry replaced.
 */
final class BatchRecord {
  private BatchRecord() {}

  static ObjectNode of(
      String id,
      String arn,
      long number,
      String projectName,
      ObjectNode project,
      ObjectNode request,
      String initiator,
      Instant submitted) {
    ObjectNode b = RecordJson.MAPPER.createObjectNode();
    String at = RecordJson.time(submitted);
    b.put("id", id);
    b.put("arn", arn);
    b.put("startTime", at);
    b.put("currentPhase", "DOWNLOAD_BATCHSPEC");
    b.put("buildBatchStatus", "IN_PROGRESS");
    String version = StartRequests.sourceVersion(project, request);
    if (version != null) {
      b.put("sourceVersion", version);
    }
    b.put("projectName", projectName);
    ArrayNode phases = b.putArray("phases");
    phases
        .addObject()
        .put("phaseType", "SUBMITTED")
        .put("phaseStatus", "SUCCEEDED")
        .put("startTime", at)
        .put("endTime", at)
        .put("durationInSeconds", 0);
    phases.addObject().put("phaseType", "DOWNLOAD_BATCHSPEC").put("startTime", at);
    // artifacts are each build's (BuildArtifacts, where they went), not the project's setting
    for (String member : List.of("source", "cache", "environment", "logsConfig")) {
      JsonNode v = project.get(member);
      if (v != null) {
        b.set(member.equals("logsConfig") ? "logConfig" : member, v.deepCopy());
      }
    }
    String role = StartRequests.text(project, "serviceRole");
    if (role != null) {
      b.put("serviceRole", role);
    }
    b.put(
        "buildTimeoutInMinutes",
        request
            .path("buildTimeoutInMinutesOverride")
            .asInt(project.path("timeoutInMinutes").asInt(60)));
    b.put("queuedTimeoutInMinutes", StartRequests.queuedTimeout(project, request).toMinutes());
    b.put("complete", false);
    b.put("initiator", initiator);
    b.put("buildBatchNumber", number);
    JsonNode config =
        request.has("buildBatchConfigOverride")
            ? request.get("buildBatchConfigOverride")
            : project.get("buildBatchConfig");
    if (config != null) {
      b.set("buildBatchConfig", config.deepCopy());
    }
    b.putArray("buildGroups");
    b.put("debugSessionEnabled", false);
    return b;
  }

  /** Ends the running phase with {@code status} (and why), and starts {@code next}. */
  static void phase(
      ObjectNode b, String status, @Nullable String message, String next, Instant now) {
    String at = RecordJson.time(now);
    ArrayNode phases = (ArrayNode) b.path("phases");
    ObjectNode current = (ObjectNode) phases.get(phases.size() - 1);
    if (!current.has("endTime")) {
      current.put("phaseStatus", status).put("endTime", at);
      Instant started = Instant.parse(current.path("startTime").asText());
      current.put("durationInSeconds", Math.max(0, Duration.between(started, now).toSeconds()));
      if (message != null) {
        current.putArray("contexts").addObject().put("statusCode", status).put("message", message);
      }
    }
    phases.addObject().put("phaseType", next).put("startTime", at);
    b.put("currentPhase", next);
  }

  /**
   * Ends the batch: the running phase ends with {@code status} (and why), and the last phase is the
   * status itself, as CodeBuild's batches end.
   */
  static void end(ObjectNode b, String status, @Nullable String message, Instant now) {
    end(b, status, message, status, now);
  }

  /**
   * Ends the batch with {@code status} after a phase that ended {@code phaseStatus} (and why): the
   * batch's status need not be its last phase's (COMBINE_ARTIFACTS succeeds for a failed batch).
   */
  static void end(
      ObjectNode b, String phaseStatus, @Nullable String message, String status, Instant now) {
    phase(b, phaseStatus, message, lastPhase(status), now);
    b.put("buildBatchStatus", status);
    b.put("endTime", RecordJson.time(now));
    b.put("complete", true);
  }

  /**
   * The phase a batch ends in: its status, but a batch's phases have no TIMED_OUT (or FAULT), so
   * such a batch ends in FAILED, its status saying which.
   */
  static String lastPhase(String status) {
    return List.of("SUCCEEDED", "FAILED", "STOPPED").contains(status) ? status : "FAILED";
  }

  /**
   * The build groups: each build of the plan, what it depends on, and the summary of its builds
   * (the newest current, older ones prior: a retry's).
   */
  static void groups(ObjectNode b, BatchPlan plan, Map<String, List<BuildStore.Row>> builds) {
    ArrayNode groups = b.putArray("buildGroups");
    for (BatchPlan.Child c : plan.children()) {
      ObjectNode g = groups.addObject();
      g.put("identifier", c.identifier());
      ArrayNode deps = g.putArray("dependsOn");
      c.dependOn().forEach(deps::add);
      g.put("ignoreFailure", c.ignoreFailure());
    }
    refresh(b, builds);
  }

  /**
   * The groups' build summaries as the builds are now: a batch read after its driver stopped
   * looking (a stopped batch whose builds are still stopping) still shows how they ended.
   */
  static void refresh(ObjectNode b, Map<String, List<BuildStore.Row>> builds) {
    for (JsonNode g : b.path("buildGroups")) {
      List<BuildStore.Row> rows = builds.getOrDefault(g.path("identifier").asText(), List.of());
      if (!rows.isEmpty()) {
        ObjectNode group = (ObjectNode) g;
        group.set("currentBuildSummary", summary(rows.getLast()));
        ArrayNode prior = group.putArray("priorBuildSummaryList");
        rows.subList(0, rows.size() - 1).forEach(r -> prior.add(summary(r)));
      }
    }
  }

  private static ObjectNode summary(BuildStore.Row row) {
    ObjectNode s = RecordJson.MAPPER.createObjectNode();
    JsonNode r = row.record();
    s.put("arn", r.path("arn").asText());
    s.put("requestedOn", r.path("startTime").asText());
    s.put("buildStatus", r.path("buildStatus").asText("IN_PROGRESS"));
    JsonNode location = r.path("artifacts").path("location");
    if (location.isTextual() && !location.asText().isEmpty()) {
      s.putObject("primaryArtifact").put("type", "S3").put("location", location.asText());
    }
    return s;
  }
}
