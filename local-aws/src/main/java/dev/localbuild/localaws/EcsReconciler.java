package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One service's deployment logic, as ECS's scheduler applies it, over the state alone (no
 * containers here): launch the PRIMARY deployment's tasks within {@code maximumPercent}, stop older
 * deployments' tasks while {@code minimumHealthyPercent} stays served, trip the circuit breaker
 * (and roll back) when too many new tasks fail, and say when the service reached a steady state.
 */
final class EcsReconciler {
  private final EcsService ecs;
  private final Predicate<ObjectNode> serviceHealthy;

  /**
   * @param serviceHealthy whether a running task passes its container and load balancer checks
   */
  EcsReconciler(EcsService ecs, Predicate<ObjectNode> serviceHealthy) {
    this.ecs = ecs;
    this.serviceHealthy = serviceHealthy;
  }

  /** The circuit breaker's threshold: half the desired count, at least 3, at most 200 (as ECS). */
  static int threshold(int desired) {
    return Math.min(200, Math.max(3, (desired + 1) / 2));
  }

  /** Trips the circuit breaker now if the primary deployment has failed enough tasks. */
  void breaker(String cluster, ObjectNode s) {
    if (!s.path("status").asText().equals("INACTIVE")) {
      circuitBreaker(cluster, s, (ObjectNode) s.get("deployments").get(0), desired(s));
    }
  }

  private static int desired(ObjectNode s) {
    return s.path("status").asText().equals("DRAINING") ? 0 : s.path("desiredCount").asInt();
  }

  void reconcile(String cluster, ObjectNode s) {
    String status = s.path("status").asText();
    if (status.equals("INACTIVE")) {
      return;
    }
    int desired = desired(s);
    List<ObjectNode> live = live(s);
    ArrayNode deployments = (ArrayNode) s.get("deployments");
    ObjectNode primary = (ObjectNode) deployments.get(0);
    primary = circuitBreaker(cluster, s, primary, desired);
    boolean primaryFailed = primary.path("rolloutState").asText().equals("FAILED");
    String primaryId = primary.path("id").asText();
    List<ObjectNode> primaryTasks =
        live.stream().filter(t -> t.path("startedBy").asText().equals(primaryId)).toList();
    if (!primaryFailed && desired > 0) {
      int maxTotal =
          Math.max(
              desired,
              (int)
                  Math.floor(
                      desired
                          * s.at("/deploymentConfiguration/maximumPercent").asInt(200)
                          / 100.0));
      int launch = Math.min(desired - primaryTasks.size(), maxTotal - live.size());
      if (launch > 0) {
        ObjectNode td = ecs.taskDefinition(primary.path("taskDefinition").asText());
        List<String> started = new ArrayList<>();
        for (int i = 0; i < launch; i++) {
          started.add(
              EcsIds.shortName(
                  EcsTasks.create(
                          ecs,
                          cluster,
                          td,
                          "service:" + s.path("serviceName").asText(),
                          primaryId,
                          primaryId)
                      .path("taskArn")
                      .asText()));
        }
        EcsServices.event(s, "has started " + launch + " tasks: " + tasks(started) + ".");
        live = live(s);
      }
    }
    stopOld(s, live, primary, desired, primaryFailed);
    live = live(s);
    counts(s, live);
    if (!primaryFailed
        && deployments.size() == 1
        && primary.path("rolloutState").asText().equals("IN_PROGRESS")) {
      List<ObjectNode> mine =
          live.stream().filter(t -> t.path("startedBy").asText().equals(primaryId)).toList();
      long healthy = mine.stream().filter(serviceHealthy).count();
      if (mine.size() == desired && healthy == desired) {
        primary
            .put("rolloutState", "COMPLETED")
            .put("rolloutStateReason", "ECS deployment " + primaryId + " completed.");
        s.with("localbuild").put("lastCompleted", primary.path("taskDefinition").asText());
        EcsServices.event(s, "(deployment " + primaryId + ") deployment completed.");
        EcsServices.event(s, "has reached a steady state.");
      }
    }
    if (status.equals("DRAINING") && live.isEmpty()) {
      s.put("status", "INACTIVE");
    }
  }

  private ObjectNode circuitBreaker(String cluster, ObjectNode s, ObjectNode primary, int desired) {
    JsonNode cb = s.at("/deploymentConfiguration/deploymentCircuitBreaker");
    if (!cb.path("enable").asBoolean(false)
        || !primary.path("rolloutState").asText().equals("IN_PROGRESS")
        || primary.path("failedTasks").asInt() < threshold(desired)) {
      return primary;
    }
    String id = primary.path("id").asText();
    primary
        .put("rolloutState", "FAILED")
        .put("rolloutStateReason", "ECS deployment circuit breaker: tasks failed to start.");
    EcsServices.event(s, "(deployment " + id + ") deployment failed: tasks failed to start.");
    String previous = s.path("localbuild").path("lastCompleted").asText(null);
    if (!cb.path("rollback").asBoolean(false)
        || previous == null
        || previous.equals(primary.path("taskDefinition").asText())) {
      return primary;
    }
    primary.put("status", "ACTIVE");
    ObjectNode back =
        EcsServices.deployment(
            previous, s.path("desiredCount").asInt(), s.path("launchType").asText());
    ((ArrayNode) s.get("deployments")).insert(0, back);
    s.put("taskDefinition", previous);
    EcsServices.event(
        s,
        "(deployment "
            + id
            + ") rolling back to "
            + previous
            + " in (deployment "
            + back.path("id").asText()
            + ").");
    return back;
  }

  private void stopOld(
      ObjectNode s, List<ObjectNode> live, ObjectNode primary, int desired, boolean primaryFailed) {
    String primaryId = primary.path("id").asText();
    int minHealthy =
        (int)
            Math.ceil(
                desired
                    * s.at("/deploymentConfiguration/minimumHealthyPercent").asInt(100)
                    / 100.0);
    long healthy = live.stream().filter(serviceHealthy).count();
    List<String> stopped = new ArrayList<>();
    String reason = "Scaling activity initiated by (deployment " + primaryId + ")";
    List<ObjectNode> primaryTasks =
        new ArrayList<>(
            live.stream().filter(t -> t.path("startedBy").asText().equals(primaryId)).toList());
    for (int i = primaryTasks.size() - 1; i >= 0 && primaryTasks.size() > desired; i--) {
      ObjectNode t = primaryTasks.remove(i);
      healthy -= serviceHealthy.test(t) ? 1 : 0;
      EcsTasks.stopping(t, reason, "ServiceSchedulerInitiated");
      stopped.add(EcsIds.shortName(t.path("taskArn").asText()));
    }
    if (!primaryFailed || desired == 0) {
      // old tasks that serve nothing go at once; serving ones only while enough others serve
      List<ObjectNode> old =
          new ArrayList<>(
              live.stream().filter(t -> !t.path("startedBy").asText().equals(primaryId)).toList());
      old.sort((a, b) -> Boolean.compare(serviceHealthy.test(a), serviceHealthy.test(b)));
      for (ObjectNode t : old) {
        boolean serving = serviceHealthy.test(t);
        if (serving && healthy - 1 < minHealthy && desired > 0) {
          break;
        }
        healthy -= serving ? 1 : 0;
        EcsTasks.stopping(t, reason, "ServiceSchedulerInitiated");
        stopped.add(EcsIds.shortName(t.path("taskArn").asText()));
      }
    }
    if (!stopped.isEmpty()) {
      EcsServices.event(
          s, "has stopped " + stopped.size() + " running tasks: " + tasks(stopped) + ".");
    }
    // a deployment whose tasks are all gone is over
    ArrayNode deployments = (ArrayNode) s.get("deployments");
    for (int i = deployments.size() - 1; i >= 1; i--) {
      String id = deployments.get(i).path("id").asText();
      if (!anyStopping(id)) {
        deployments.remove(i);
      }
    }
  }

  private boolean anyStopping(String deploymentId) {
    for (JsonNode t : EcsTasks.tasks(ecs)) {
      if (t.path("startedBy").asText().equals(deploymentId)
          && !t.path("lastStatus").asText().equals("STOPPED")) {
        return true;
      }
    }
    return false;
  }

  private void counts(ObjectNode s, List<ObjectNode> live) {
    int running = 0;
    int pending = 0;
    for (JsonNode d : s.get("deployments")) {
      String id = d.path("id").asText();
      int r = 0;
      int p = 0;
      for (ObjectNode t : live) {
        if (t.path("startedBy").asText().equals(id)) {
          if (t.path("lastStatus").asText().equals("RUNNING")) {
            r++;
          } else {
            p++;
          }
        }
      }
      ObjectNode dep = (ObjectNode) d;
      if (dep.path("runningCount").asInt() != r || dep.path("pendingCount").asInt() != p) {
        dep.put("runningCount", r)
            .put("pendingCount", p)
            .put("updatedAt", Json.time(Instant.now()));
      }
      running += r;
      pending += p;
    }
    ((ObjectNode) s.get("deployments").get(0))
        .put(
            "desiredCount",
            s.path("status").asText().equals("DRAINING") ? 0 : s.path("desiredCount").asInt());
    s.put("runningCount", running).put("pendingCount", pending);
  }

  /** The service's tasks that are meant to run (not stopping, not stopped). */
  List<ObjectNode> live(ObjectNode s) {
    String group = "service:" + s.path("serviceName").asText();
    String cluster = s.path("clusterArn").asText();
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode t : EcsTasks.tasks(ecs)) {
      if (t.path("group").asText().equals(group)
          && t.path("clusterArn").asText().equals(cluster)
          && t.path("desiredStatus").asText().equals("RUNNING")
          && !t.path("lastStatus").asText().equals("STOPPED")) {
        out.add((ObjectNode) t);
      }
    }
    return out;
  }

  static String tasks(List<String> ids) {
    StringBuilder b = new StringBuilder();
    for (String id : ids) {
      b.append(b.isEmpty() ? "" : " ").append("(task ").append(id).append(")");
    }
    return b.toString();
  }
}
