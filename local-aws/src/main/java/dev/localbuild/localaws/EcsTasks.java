package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The task operations of the local ECS: run, stop, list, describe; and making a task. */
final class EcsTasks {
  private EcsTasks() {}

  static ObjectNode tasks(EcsService ecs) {
    return ecs.section().with("tasks");
  }

  /** A new task, PROVISIONING: the scheduler starts its containers. */
  static ObjectNode create(
      EcsService ecs,
      String cluster,
      ObjectNode td,
      String group,
      String startedBy,
      @Nullable String deploymentId) {
    String id = EcsIds.taskId();
    String arn = ecs.ids().taskArn(cluster, id);
    ObjectNode t =
        Json.object()
            .put("taskArn", arn)
            .put("clusterArn", ecs.ids().clusterArn(cluster))
            .put("taskDefinitionArn", td.path("taskDefinitionArn").asText())
            .put("group", group)
            .put("startedBy", startedBy)
            .put("lastStatus", "PROVISIONING")
            .put("desiredStatus", "RUNNING")
            .put("healthStatus", "UNKNOWN")
            .put("launchType", "FARGATE")
            .put("platformVersion", "1.4.0")
            .put("createdAt", Json.time(Instant.now()))
            .put("cpu", td.path("cpu").asText("256"))
            .put("memory", td.path("memory").asText("512"))
            .put("version", 1)
            .put("availabilityZone", "local-1a")
            .put("connectivity", "CONNECTED");
    if (deploymentId != null) {
      t.put("startedBy", deploymentId);
    }
    ArrayNode containers = t.putArray("containers");
    for (JsonNode def : td.path("containerDefinitions")) {
      ObjectNode c =
          Json.object()
              .put("containerArn", ecs.ids().containerArn(cluster, EcsIds.taskId()))
              .put("taskArn", arn)
              .put("name", def.path("name").asText())
              .put("image", def.path("image").asText())
              .put("lastStatus", "PENDING")
              .put("healthStatus", "UNKNOWN");
      c.set(
          "portMappings",
          def.path("portMappings").isArray() ? def.get("portMappings") : Json.array());
      c.putArray("networkBindings");
      containers.add(c);
    }
    tasks(ecs).set(arn, t);
    return t;
  }

  static ObjectNode run(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ObjectNode td = ecs.taskDefinition(Json.required(r, "taskDefinition"));
    int count = Math.max(1, r.path("count").asInt(1));
    ArrayNode out = Json.array();
    for (int i = 0; i < count; i++) {
      out.add(
          visible(
              create(
                  ecs,
                  cluster,
                  td,
                  r.path("group").asText("family:" + td.path("family").asText()),
                  r.path("startedBy").asText("localbuild"),
                  null)));
    }
    return Json.object().<ObjectNode>set("tasks", out).set("failures", Json.array());
  }

  static ObjectNode find(EcsService ecs, String cluster, String arnOrId) {
    String arn = arnOrId.startsWith("arn:") ? arnOrId : ecs.ids().taskArn(cluster, arnOrId);
    JsonNode t = tasks(ecs).get(arn);
    return t instanceof ObjectNode o ? o : null;
  }

  static ObjectNode stop(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ObjectNode t = find(ecs, cluster, Json.required(r, "task"));
    if (t == null) {
      throw AwsError.invalid("The referenced task was not found.");
    }
    if (!t.path("desiredStatus").asText().equals("STOPPED")) {
      stopping(t, r.path("reason").asText("Task stopped by user"), "UserInitiated");
    }
    return Json.object().set("task", visible(t));
  }

  /** Asks the scheduler to stop a task. */
  static void stopping(ObjectNode t, String reason, String code) {
    t.put("desiredStatus", "STOPPED")
        .put("stoppedReason", reason)
        .put("stopCode", code)
        .put("stoppingAt", Json.time(Instant.now()));
  }

  static ObjectNode list(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    String service =
        r.has("serviceName") ? "service:" + EcsIds.shortName(r.get("serviceName").asText()) : null;
    String family = r.path("family").asText(null);
    String desired = r.path("desiredStatus").asText("RUNNING");
    ArrayNode arns = Json.array();
    for (JsonNode t : tasks(ecs)) {
      boolean match =
          EcsIds.shortName(t.path("clusterArn").asText()).equals(cluster)
              && t.path("desiredStatus").asText().equals(desired)
              && (service == null || t.path("group").asText().equals(service))
              && (family == null
                  || t.path("taskDefinitionArn")
                      .asText()
                      .contains("task-definition/" + family + ":"))
              && (!r.has("startedBy")
                  || t.path("startedBy").asText().equals(r.get("startedBy").asText()));
      if (match) {
        arns.add(t.path("taskArn").asText());
      }
    }
    return Json.object().set("taskArns", arns);
  }

  static ObjectNode describe(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ArrayNode out = Json.array();
    ArrayNode failures = Json.array();
    for (JsonNode n : r.path("tasks")) {
      ObjectNode t = find(ecs, cluster, n.asText());
      if (t == null) {
        failures.add(Json.object().put("arn", n.asText()).put("reason", "MISSING"));
      } else {
        out.add(visible(t));
      }
    }
    return Json.object().<ObjectNode>set("tasks", out).set("failures", failures);
  }

  /** The task as ECS shows it. */
  static ObjectNode visible(ObjectNode t) {
    ObjectNode copy = t.deepCopy();
    copy.remove("localbuild");
    for (JsonNode c : copy.path("containers")) {
      ((ObjectNode) c).remove("portMappings");
    }
    return copy;
  }
}
