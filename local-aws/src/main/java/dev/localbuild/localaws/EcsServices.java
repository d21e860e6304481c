package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** The service operations of the local ECS: create, update, describe, delete, list. */
final class EcsServices {
  private EcsServices() {}

  static ObjectNode services(EcsService ecs) {
    return ecs.section().with("services");
  }

  static String key(String cluster, String service) {
    return cluster + "/" + service;
  }

  /** A service by name or ARN in a cluster, or null. */
  static ObjectNode find(EcsService ecs, String cluster, String nameOrArn) {
    JsonNode s = services(ecs).get(key(cluster, EcsIds.shortName(nameOrArn)));
    return s instanceof ObjectNode o ? o : null;
  }

  static ObjectNode create(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    String name = Json.required(r, "serviceName");
    ObjectNode existing = find(ecs, cluster, name);
    if (existing != null && !existing.path("status").asText().equals("INACTIVE")) {
      throw AwsError.invalid("Creation of service was not idempotent.");
    }
    ObjectNode td = ecs.taskDefinition(Json.required(r, "taskDefinition"));
    int desired = r.path("desiredCount").asInt(0);
    ObjectNode dc = Json.object().put("maximumPercent", 200).put("minimumHealthyPercent", 100);
    dc.set("deploymentCircuitBreaker", Json.object().put("enable", false).put("rollback", false));
    merge(dc, r.path("deploymentConfiguration"));
    Instant now = Instant.now();
    ObjectNode s =
        Json.object()
            .put("serviceArn", ecs.ids().serviceArn(cluster, name))
            .put("serviceName", name)
            .put("clusterArn", ecs.ids().clusterArn(cluster))
            .put("status", "ACTIVE")
            .put("desiredCount", desired)
            .put("runningCount", 0)
            .put("pendingCount", 0)
            .put("launchType", r.path("launchType").asText("FARGATE"))
            .put("platformVersion", "LATEST")
            .put("platformFamily", "Linux")
            .put("taskDefinition", td.path("taskDefinitionArn").asText())
            .put("schedulingStrategy", "REPLICA")
            .put("createdAt", Json.time(now))
            .put("createdBy", "arn:aws:iam::000000000000:user/localbuild")
            .put("healthCheckGracePeriodSeconds", r.path("healthCheckGracePeriodSeconds").asInt(0))
            .put("enableECSManagedTags", false)
            .put("propagateTags", "NONE")
            .put("enableExecuteCommand", false);
    s.set("loadBalancers", r.has("loadBalancers") ? r.get("loadBalancers") : Json.array());
    s.set("serviceRegistries", Json.array());
    s.set("deploymentConfiguration", dc);
    s.set("deploymentController", Json.object().put("type", "ECS"));
    if (r.has("networkConfiguration")) {
      s.set("networkConfiguration", r.get("networkConfiguration"));
    }
    s.set("placementConstraints", Json.array());
    s.set("placementStrategy", Json.array());
    s.set("events", Json.array());
    ArrayNode deployments = s.putArray("deployments");
    deployments.add(
        deployment(td.path("taskDefinitionArn").asText(), desired, s.path("launchType").asText()));
    services(ecs).set(key(cluster, name), s);
    return Json.object().set("service", visible(s));
  }

  static ObjectNode deployment(String taskDefinition, int desired, String launchType) {
    String id = EcsIds.deploymentId();
    double now = Json.time(Instant.now());
    return Json.object()
        .put("id", id)
        .put("status", "PRIMARY")
        .put("taskDefinition", taskDefinition)
        .put("desiredCount", desired)
        .put("pendingCount", 0)
        .put("runningCount", 0)
        .put("failedTasks", 0)
        .put("createdAt", now)
        .put("updatedAt", now)
        .put("launchType", launchType)
        .put("platformVersion", "1.4.0")
        .put("rolloutState", "IN_PROGRESS")
        .put("rolloutStateReason", "ECS deployment " + id + " in progress.");
  }

  static ObjectNode update(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ObjectNode s = find(ecs, cluster, Json.required(r, "service"));
    if (s == null || !s.path("status").asText().equals("ACTIVE")) {
      throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
    }
    if (r.has("desiredCount")) {
      s.put("desiredCount", r.get("desiredCount").asInt());
    }
    if (r.has("deploymentConfiguration")) {
      merge((ObjectNode) s.get("deploymentConfiguration"), r.get("deploymentConfiguration"));
    }
    if (r.has("healthCheckGracePeriodSeconds")) {
      s.put("healthCheckGracePeriodSeconds", r.get("healthCheckGracePeriodSeconds").asInt());
    }
    String tdArn = s.path("taskDefinition").asText();
    if (r.has("taskDefinition")) {
      tdArn =
          ecs.taskDefinition(r.get("taskDefinition").asText()).path("taskDefinitionArn").asText();
    }
    ArrayNode deployments = (ArrayNode) s.get("deployments");
    if (!tdArn.equals(s.path("taskDefinition").asText())
        || r.path("forceNewDeployment").asBoolean(false)) {
      for (JsonNode d : deployments) {
        ((ObjectNode) d).put("status", "ACTIVE");
      }
      deployments.insert(
          0, deployment(tdArn, s.path("desiredCount").asInt(), s.path("launchType").asText()));
      s.put("taskDefinition", tdArn);
    }
    ((ObjectNode) deployments.get(0)).put("desiredCount", s.path("desiredCount").asInt());
    return Json.object().set("service", visible(s));
  }

  static ObjectNode describe(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ArrayNode out = Json.array();
    ArrayNode failures = Json.array();
    for (JsonNode n : r.path("services")) {
      ObjectNode s = find(ecs, cluster, n.asText());
      if (s == null) {
        failures.add(
            Json.object()
                .put("arn", ecs.ids().serviceArn(cluster, EcsIds.shortName(n.asText())))
                .put("reason", "MISSING"));
      } else {
        out.add(visible(s));
      }
    }
    return Json.object().<ObjectNode>set("services", out).set("failures", failures);
  }

  static ObjectNode delete(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ObjectNode s = find(ecs, cluster, Json.required(r, "service"));
    if (s == null || s.path("status").asText().equals("INACTIVE")) {
      throw new AwsError("ServiceNotFoundException", "Service not found.");
    }
    if (s.path("desiredCount").asInt() > 0 && !r.path("force").asBoolean(false)) {
      throw AwsError.invalid("The service cannot be stopped while it is scaled above 0.");
    }
    s.put("desiredCount", 0).put("status", "DRAINING");
    return Json.object().set("service", visible(s));
  }

  static ObjectNode list(EcsService ecs, JsonNode r) {
    String cluster = ecs.cluster(r);
    ArrayNode arns = Json.array();
    services(ecs)
        .fields()
        .forEachRemaining(e -> {
          if (e.getKey().startsWith(cluster + "/")
              && e.getValue().path("status").asText().equals("ACTIVE")) {
            arns.add(e.getValue().path("serviceArn").asText());
          }
        });
    return Json.object().set("serviceArns", arns);
  }

  /** The service as ECS shows it: without localbuild's bookkeeping. */
  static ObjectNode visible(ObjectNode s) {
    ObjectNode copy = s.deepCopy();
    copy.remove("localbuild");
    return copy;
  }

  /** Adds a service event, newest first, at most 100 kept (as ECS). */
  static void event(ObjectNode s, String message) {
    ArrayNode events = s.withArray("events");
    events.insert(
        0,
        Json.object()
            .put("id", UUID.randomUUID().toString())
            .put("createdAt", Json.time(Instant.now()))
            .put("message", "(service " + s.path("serviceName").asText() + ") " + message));
    while (events.size() > 100) {
      events.remove(events.size() - 1);
    }
  }

  private static void merge(ObjectNode into, JsonNode from) {
    from.fields()
        .forEachRemaining(e -> {
          if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
            merge(o, e.getValue());
          } else {
            into.set(e.getKey(), e.getValue());
          }
        });
  }
}
