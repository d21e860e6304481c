package dev.localbuild.server.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.util.Set;

/**
 * A sandbox as BatchGetSandboxes shows it: what StartSandbox took from the project, and the state
 * of its session, read from the session's build record.
 *
 * <p>CodeBuild documents neither the sandbox's status values nor its session's phase names. Here
 * (decided, said in the README): the status is QUEUED while the session waits for an agent,
 * PREPARING while its container starts and its source is put in, RUNNING while it takes commands,
 * STOPPING from StopSandbox until its container is gone, then STOPPED (or TIMED_OUT, FAILED, FAULT
 * as a build ends). The session's phases are the build's, its BUILD phase named RUN_SANDBOX and the
 * empty command phases around it left out.
 */
final class SandboxRecords {
  private SandboxRecords() {}

  /** The project's settings a sandbox keeps, under the Sandbox's member names. */
  private static final Set<String> FROM_PROJECT =
      Set.of(
          "source",
          "sourceVersion",
          "secondarySources",
          "secondarySourceVersions",
          "environment",
          "fileSystemLocations",
          "timeoutInMinutes",
          "queuedTimeoutInMinutes",
          "vpcConfig",
          "logsConfig",
          "encryptionKey",
          "serviceRole");

  /** Build phases a session shows; BUILD is where commands run. */
  private static final Set<String> SESSION_PHASES =
      Set.of(
          "SUBMITTED",
          "QUEUED",
          "PROVISIONING",
          "DOWNLOAD_SOURCE",
          "BUILD",
          "FINALIZING",
          "COMPLETED");

  /** StartSandbox's record of a project's sandbox, before its session has a state. */
  static ObjectNode requested(String id, String arn, String projectName, ObjectNode project) {
    ObjectNode s = RecordJson.MAPPER.createObjectNode();
    s.put("id", id);
    s.put("arn", arn);
    s.put("projectName", projectName);
    s.put("requestTime", java.time.Instant.now().toString());
    for (String member : FROM_PROJECT) {
      JsonNode v = project.get(member);
      if (v != null && !v.isNull()) {
        // the project's logsConfig is the sandbox's logConfig
        s.set(member.equals("logsConfig") ? "logConfig" : member, v.deepCopy());
      }
    }
    if (!s.has("timeoutInMinutes")) {
      s.put("timeoutInMinutes", 60);
    }
    return s;
  }

  /** The sandbox with its session's state. */
  static ObjectNode shown(ObjectNode requested, ObjectNode session, boolean stopRequested) {
    ObjectNode s = requested.deepCopy();
    String status = status(session, stopRequested);
    s.put("status", status);
    copy(session, s, "startTime");
    copy(session, s, "endTime");
    ObjectNode current = s.putObject("currentSession");
    current.put("id", session.path("id").asText());
    current.put("status", session.path("buildStatus").asText("IN_PROGRESS"));
    copy(session, current, "startTime");
    copy(session, current, "endTime");
    current.put("currentPhase", phaseName(session.path("currentPhase").asText("QUEUED")));
    ArrayNode phases = current.putArray("phases");
    for (JsonNode p : session.path("phases")) {
      String type = p.path("phaseType").asText();
      if (!SESSION_PHASES.contains(type)) {
        continue;
      }
      ObjectNode q = ((ObjectNode) p).deepCopy();
      q.put("phaseType", phaseName(type));
      phases.add(q);
    }
    copy(session, current, "resolvedSourceVersion");
    copy(session, current, "logs");
    return s;
  }

  /** Where commands run: the session's BUILD phase. */
  static final String RUN_PHASE = "BUILD";

  private static String phaseName(String buildPhase) {
    return switch (buildPhase) {
      case RUN_PHASE -> "RUN_SANDBOX";
      case "INSTALL", "PRE_BUILD" -> "DOWNLOAD_SOURCE";
      case "POST_BUILD", "UPLOAD_ARTIFACTS" -> "FINALIZING";
      default -> buildPhase;
    };
  }

  /** The sandbox's status, from its session build's. */
  static String status(ObjectNode session, boolean stopRequested) {
    String build = session.path("buildStatus").asText("IN_PROGRESS");
    if (!build.equals("IN_PROGRESS")) {
      return switch (build) {
        case "SUCCEEDED", "STOPPED" -> "STOPPED";
        default -> build; // FAILED, FAULT, TIMED_OUT
      };
    }
    String phase = session.path("currentPhase").asText("QUEUED");
    if (stopRequested) {
      return "STOPPING";
    }
    return switch (phase) {
      case "SUBMITTED", "QUEUED" -> "QUEUED";
      case RUN_PHASE -> "RUNNING";
      case "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING" -> "STOPPING";
      default -> "PREPARING";
    };
  }

  /** Whether a sandbox in this status has ended: its commands will never run. */
  static boolean ended(String status) {
    return !Set.of("QUEUED", "PREPARING", "RUNNING").contains(status);
  }

  private static void copy(ObjectNode from, ObjectNode to, String member) {
    JsonNode v = from.get(member);
    if (v != null && !v.isNull()) {
      to.set(member, v.deepCopy());
    }
  }
}
