package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The local ECS API: clusters, task definitions, services with deployments and events, tasks that
 * are real containers. The API changes the state; {@link EcsScheduler} makes the containers follow.
 */
public final class EcsService implements JsonService {
  /** Fields DescribeTaskDefinition returns that RegisterTaskDefinition refuses. */
  static final Set<String> READ_ONLY =
      Set.of(
          "taskDefinitionArn",
          "revision",
          "status",
          "requiresAttributes",
          "compatibilities",
          "registeredAt",
          "registeredBy",
          "deregisteredAt");

  private final LocalAwsState state;
  private final EcsIds ids;
  private final String account;
  private final EcsScheduler scheduler;

  EcsService(
      LocalAwsState state,
      String region,
      String account,
      DockerClient docker,
      Vertx vertx,
      EcrService ecr,
      Function<String, String> registryHostFor,
      TaskLogs logs) {
    this.state = state;
    this.ids = new EcsIds(region, account);
    this.account = account;
    this.scheduler = new EcsScheduler(state, ids, docker, vertx, ecr, registryHostFor, logs);
  }

  void start() {
    scheduler.start(this);
  }

  void close() {
    scheduler.close();
  }

  /** The loopback URL of a service's load balancer, once it has one. */
  public String serviceUrl(String cluster, String service) {
    return scheduler.balancerUrl(cluster, service);
  }

  @Override
  public String targetPrefix() {
    return "AmazonEC2ContainerServiceV20141113";
  }

  @Override
  public String iamPrefix() {
    return "ecs";
  }

  @Override
  public ObjectNode handle(String operation, JsonNode r, String caller) {
    synchronized (state) {
      ObjectNode out =
          switch (operation) {
            case "CreateCluster" -> createCluster(r);
            case "DescribeClusters" -> describeClusters(r);
            case "RegisterTaskDefinition" -> registerTaskDefinition(r);
            case "DescribeTaskDefinition" -> describeTaskDefinition(r);
            case "DeregisterTaskDefinition" -> deregisterTaskDefinition(r);
            case "ListTaskDefinitions" -> listTaskDefinitions(r);
            case "CreateService" -> EcsServices.create(this, r);
            case "UpdateService" -> EcsServices.update(this, r);
            case "DescribeServices" -> EcsServices.describe(this, r);
            case "DeleteService" -> EcsServices.delete(this, r);
            case "ListServices" -> EcsServices.list(this, r);
            case "ListTasks" -> EcsTasks.list(this, r);
            case "DescribeTasks" -> EcsTasks.describe(this, r);
            case "RunTask" -> EcsTasks.run(this, r);
            case "StopTask" -> EcsTasks.stop(this, r);
            default ->
                throw new AwsError(
                    "InvalidParameterException", "The local ECS does not implement " + operation);
          };
      state.save();
      return out;
    }
  }

  LocalAwsState state() {
    return state;
  }

  EcsIds ids() {
    return ids;
  }

  EcsScheduler scheduler() {
    return scheduler;
  }

  ObjectNode section() {
    return state.section("ecs");
  }

  /** The cluster a request names (default {@code default}), which must exist. */
  String cluster(JsonNode r) {
    String name = EcsIds.shortName(r.path("cluster").asText("default"));
    if (!section().with("clusters").has(name)) {
      throw new AwsError("ClusterNotFoundException", "Cluster not found.");
    }
    return name;
  }

  private ObjectNode clusterJson(String name) {
    long running = 0;
    long pending = 0;
    for (JsonNode t : section().with("tasks")) {
      if (EcsIds.shortName(t.path("clusterArn").asText()).equals(name)) {
        running += t.path("lastStatus").asText().equals("RUNNING") ? 1 : 0;
        pending += t.path("lastStatus").asText().matches("PROVISIONING|PENDING") ? 1 : 0;
      }
    }
    long services = 0;
    for (JsonNode s : section().with("services")) {
      services +=
          EcsIds.shortName(s.path("clusterArn").asText()).equals(name)
                  && s.path("status").asText().equals("ACTIVE")
              ? 1
              : 0;
    }
    return Json.object()
        .put("clusterArn", ids.clusterArn(name))
        .put("clusterName", name)
        .put("status", "ACTIVE")
        .put("registeredContainerInstancesCount", 0)
        .put("runningTasksCount", running)
        .put("pendingTasksCount", pending)
        .put("activeServicesCount", services);
  }

  private ObjectNode createCluster(JsonNode r) {
    String name = r.path("clusterName").asText("default");
    section().with("clusters").set(name, Json.object().put("createdAt", Json.time(Instant.now())));
    return Json.object().set("cluster", clusterJson(name));
  }

  private ObjectNode describeClusters(JsonNode r) {
    ArrayNode clusters = Json.array();
    ArrayNode failures = Json.array();
    JsonNode wanted = r.has("clusters") ? r.get("clusters") : Json.array().add("default");
    for (JsonNode c : wanted) {
      String name = EcsIds.shortName(c.asText());
      if (section().with("clusters").has(name)) {
        clusters.add(clusterJson(name));
      } else {
        failures.add(Json.object().put("arn", ids.clusterArn(name)).put("reason", "MISSING"));
      }
    }
    return Json.object().<ObjectNode>set("clusters", clusters).set("failures", failures);
  }

  private ObjectNode registerTaskDefinition(JsonNode r) {
    String family = Json.required(r, "family");
    if (!r.path("containerDefinitions").isArray() || r.path("containerDefinitions").isEmpty()) {
      throw new AwsError("ClientException", "Container list cannot be empty.");
    }
    for (String field : READ_ONLY) {
      if (r.has(field)) {
        throw AwsError.invalid(
            "Unknown parameter in input: \""
                + field
                + "\", must be one of: family, taskRoleArn,"
                + " executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities,"
                + " cpu, memory, tags, pidMode, ipcMode, proxyConfiguration, inferenceAccelerators, ephemeralStorage, runtimePlatform");
      }
    }
    for (JsonNode c : r.get("containerDefinitions")) {
      Json.required(c, "name");
      Json.required(c, "image");
    }
    ObjectNode fam = section().with("taskDefinitions").with(family);
    long revision = fam.path("latest").asLong(0) + 1;
    fam.put("latest", revision);
    ObjectNode td = r.deepCopy();
    td.remove("tags");
    td.put("taskDefinitionArn", ids.taskDefinitionArn(family, revision))
        .put("revision", revision)
        .put("status", "ACTIVE")
        .put("registeredAt", Json.time(Instant.now()))
        .put("registeredBy", "arn:aws:iam::" + account + ":user/localbuild");
    td.putArray("compatibilities").add("EC2").add("FARGATE");
    td.putArray("requiresAttributes")
        .add(Json.object().put("name", "com.amazonaws.ecs.capability.docker-remote-api.1.18"));
    if (!td.has("networkMode")) {
      td.put("networkMode", "awsvpc");
    }
    fam.with("revisions").set(Long.toString(revision), td);
    fam.with("tags").set(Long.toString(revision), r.has("tags") ? r.get("tags") : Json.array());
    return Json.object()
        .<ObjectNode>set("taskDefinition", td)
        .set("tags", r.has("tags") ? r.get("tags") : Json.array());
  }

  /**
   * A task definition by family, family:revision or ARN (the latest ACTIVE revision for a family).
   */
  ObjectNode taskDefinition(String ref) {
    String s =
        ref.contains("task-definition/")
            ? ref.substring(ref.indexOf("task-definition/") + 16)
            : ref;
    String family = s.contains(":") ? s.substring(0, s.lastIndexOf(':')) : s;
    JsonNode fam = section().with("taskDefinitions").get(family);
    if (fam != null) {
      if (s.contains(":")) {
        JsonNode td = fam.path("revisions").get(s.substring(s.lastIndexOf(':') + 1));
        if (td instanceof ObjectNode o) {
          return o;
        }
      } else {
        for (long rev = fam.path("latest").asLong(); rev > 0; rev--) {
          JsonNode td = fam.path("revisions").get(Long.toString(rev));
          if (td != null && td.path("status").asText().equals("ACTIVE")) {
            return (ObjectNode) td;
          }
        }
      }
    }
    throw new AwsError("ClientException", "Unable to describe task definition.");
  }

  private ObjectNode describeTaskDefinition(JsonNode r) {
    ObjectNode td = taskDefinition(Json.required(r, "taskDefinition"));
    ObjectNode out = Json.object().set("taskDefinition", td);
    boolean tags = false;
    for (JsonNode i : r.path("include")) {
      tags |= i.asText().equals("TAGS");
    }
    if (tags) {
      out.set(
          "tags",
          section()
              .with("taskDefinitions")
              .with(td.path("family").asText())
              .with("tags")
              .path(td.path("revision").asText()));
    }
    return out;
  }

  private ObjectNode deregisterTaskDefinition(JsonNode r) {
    ObjectNode td = taskDefinition(Json.required(r, "taskDefinition"));
    td.put("status", "INACTIVE").put("deregisteredAt", Json.time(Instant.now()));
    return Json.object().set("taskDefinition", td);
  }

  private ObjectNode listTaskDefinitions(JsonNode r) {
    String prefix = r.path("familyPrefix").asText("");
    String status = r.path("status").asText("ACTIVE");
    List<String> arns = new ArrayList<>();
    section()
        .with("taskDefinitions")
        .fields()
        .forEachRemaining(f -> {
          if (f.getKey().startsWith(prefix)) {
            f.getValue()
                .path("revisions")
                .forEach(td -> {
                  if (status.equals("ALL") || td.path("status").asText().equals(status)) {
                    arns.add(td.path("taskDefinitionArn").asText());
                  }
                });
          }
        });
    if ("DESC".equals(r.path("sort").asText())) {
      java.util.Collections.reverse(arns);
    }
    ArrayNode out = Json.array();
    arns.forEach(out::add);
    return Json.object().set("taskDefinitionArns", out);
  }
}
