package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Makes the local ECS's containers follow its state, twice a second: starts and stops task
 * containers (on worker threads), watches them (exits, health checks), checks each service task as
 * a load balancer would (HTTP GET / on its port), runs {@link EcsReconciler} for every service and
 * points each service's {@link ServiceBalancer} at its healthy tasks.
 */
final class EcsScheduler implements AutoCloseable {
  static final long TICK_MILLIS = 500;
  static final int LB_HEALTHY_AFTER = 2;
  static final int LB_UNHEALTHY_AFTER = 20;
  static final Duration STOPPED_KEPT = Duration.ofHours(1);

  private final LocalAwsState state;
  private final EcsIds ids;
  private final Vertx vertx;
  private final EcrService ecr;
  private final TaskRunner runner;
  private final Map<String, ServiceBalancer> balancers = new ConcurrentHashMap<>();
  private final Map<String, int[]> lbChecks = new ConcurrentHashMap<>();
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "localbuild-ecs"));
  private final ExecutorService workers =
      Executors.newFixedThreadPool(4, r -> daemon(r, "localbuild-ecs-task"));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private EcsService ecs;

  EcsScheduler(
      LocalAwsState state,
      EcsIds ids,
      DockerClient docker,
      Vertx vertx,
      EcrService ecr,
      Function<String, String> registryHostFor,
      TaskLogs logs) {
    this.state = state;
    this.ids = ids;
    this.vertx = vertx;
    this.ecr = ecr;
    // the server's port is known only once it listens: ask at pull time
    this.runner =
        new TaskRunner(
            docker,
            state.instance(),
            LocalAwsProcess.pulledImages(state.dir()),
            image -> {
              String local = registryHostFor.apply("127.0.0.1");
              String bridge = registryHostFor.apply("172.17.0.2");
              return image.startsWith(bridge + "/")
                  ? local + image.substring(bridge.length())
                  : image;
            },
            this::ecrPassword,
            logs);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private String ecrPassword() {
    JsonNode data = ecr.serviceToken("127.0.0.1").path("authorizationData").get(0);
    String decoded =
        new String(java.util.Base64.getDecoder().decode(data.path("authorizationToken").asText()));
    return decoded.substring(decoded.indexOf(':') + 1);
  }

  void start(EcsService service) {
    this.ecs = service;
    synchronized (state) {
      // tasks whose containers outlived a restart are kept; the others are gone
      for (JsonNode t : EcsTasks.tasks(ecs)) {
        if (!t.path("lastStatus").asText().equals("STOPPED") && !runner.alive(t)) {
          stopped(
              (ObjectNode) t,
              "Task stopped while the local AWS was not running",
              "TaskFailedToStart");
        }
      }
      state.save();
    }
    loop.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  String balancerUrl(String cluster, String service) {
    ServiceBalancer b = balancers.get(EcsServices.key(cluster, service));
    return b == null ? null : "http://127.0.0.1:" + b.port();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      System.err.println("localbuild aws: ECS scheduler: " + e);
    }
  }

  void tick() {
    List<ObjectNode> running = new ArrayList<>();
    Map<String, JsonNode> defs = new ConcurrentHashMap<>();
    synchronized (state) {
      for (JsonNode n : EcsTasks.tasks(ecs)) {
        ObjectNode t = (ObjectNode) n;
        String arn = t.path("taskArn").asText();
        String last = t.path("lastStatus").asText();
        boolean wanted = t.path("desiredStatus").asText().equals("RUNNING");
        if (wanted && last.equals("PROVISIONING") && busy.add(arn)) {
          t.put("lastStatus", "PENDING");
          JsonNode td = ecs.taskDefinition(t.path("taskDefinitionArn").asText()).deepCopy();
          ObjectNode copy = t.deepCopy();
          workers.submit(() -> startTask(arn, copy, td));
        } else if (!wanted && !last.equals("STOPPED") && busy.add(arn)) {
          t.put("lastStatus", "DEPROVISIONING");
          ObjectNode copy = t.deepCopy();
          workers.submit(() -> stopTask(arn, copy));
        } else if (wanted && last.equals("RUNNING") && !busy.contains(arn)) {
          running.add(t.deepCopy());
          defs.put(arn, ecs.taskDefinition(t.path("taskDefinitionArn").asText()).deepCopy());
        }
      }
    }
    Map<String, TaskRunner.Observed> observed = new ConcurrentHashMap<>();
    for (ObjectNode t : running) {
      observed.put(
          t.path("taskArn").asText(), runner.observe(t, defs.get(t.path("taskArn").asText())));
      checkTarget(t);
    }
    synchronized (state) {
      apply(observed, running);
      EcsReconciler reconciler = new EcsReconciler(ecs, this::serviceHealthy);
      EcsServices.services(ecs)
          .fields()
          .forEachRemaining(e -> {
            ObjectNode s = (ObjectNode) e.getValue();
            reconciler.reconcile(e.getKey().substring(0, e.getKey().indexOf('/')), s);
            failures(s);
            balance(e.getKey(), s, reconciler);
          });
      prune();
      state.save();
    }
  }

  private void startTask(String arn, ObjectNode copy, JsonNode td) {
    String failure = null;
    try {
      runner.start(copy, td);
    } catch (TaskRunner.StartFailure e) {
      failure = e.getMessage();
    } catch (RuntimeException e) {
      failure = "CannotStartContainerError: " + e.getMessage();
    }
    synchronized (state) {
      busy.remove(arn);
      ObjectNode t = (ObjectNode) EcsTasks.tasks(ecs).get(arn);
      if (t == null) {
        return;
      }
      if (failure != null) {
        stopped(t, failure, "TaskFailedToStart");
        // counted now, not at the next tick: a deploy watching the service must never see the
        // task stopped before its deployment knows it failed (and its breaker has had its say)
        ObjectNode svc = service(t);
        if (svc != null) {
          countStartFailure(t, svc);
          new EcsReconciler(ecs, this::serviceHealthy)
              .breaker(EcsIds.shortName(t.path("clusterArn").asText()), svc);
        }
      } else if (t.path("desiredStatus").asText().equals("STOPPED")) {
        t.set("containers", copy.get("containers"));
        t.put("lastStatus", "RUNNING"); // stopped while starting: the next tick stops it
      } else {
        t.set("containers", copy.get("containers"));
        t.put("lastStatus", "RUNNING")
            .put("startedAt", Json.time(Instant.now()))
            .put("pullStoppedAt", Json.time(Instant.now()));
      }
      state.save();
    }
  }

  private void stopTask(String arn, ObjectNode copy) {
    String key = serviceKey(copy);
    ServiceBalancer b = key == null ? null : balancers.get(key);
    try {
      if (b != null) {
        b.drain(arn, 30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runner.stop(copy, 10);
    synchronized (state) {
      busy.remove(arn);
      lbChecks.remove(arn);
      ObjectNode t = (ObjectNode) EcsTasks.tasks(ecs).get(arn);
      if (t != null) {
        stopped(
            t,
            t.path("stoppedReason").asText("Task stopped"),
            t.path("stopCode").asText("ServiceSchedulerInitiated"));
      }
      state.save();
    }
  }

  /** Records what the engine said of the running tasks. */
  private void apply(Map<String, TaskRunner.Observed> observed, List<ObjectNode> running) {
    for (ObjectNode snapshot : running) {
      String arn = snapshot.path("taskArn").asText();
      ObjectNode t = (ObjectNode) EcsTasks.tasks(ecs).get(arn);
      TaskRunner.Observed o = observed.get(arn);
      if (t == null || o == null || !t.path("desiredStatus").asText().equals("RUNNING")) {
        continue;
      }
      t.set("containers", snapshot.get("containers"));
      t.put("healthStatus", o.health());
      ObjectNode svc = service(t);
      if (o.essentialExited()) {
        EcsTasks.stopping(t, "Essential container in task exited", "EssentialContainerExited");
        failed(t, svc);
      } else if (o.health().equals("UNHEALTHY")) {
        EcsTasks.stopping(t, "Task failed container health checks", "ServiceSchedulerInitiated");
        if (svc != null) {
          EcsServices.event(
              svc, "(task " + EcsIds.shortName(arn) + ") failed container health checks.");
        }
        failed(t, svc);
      } else if (svc != null
          && hasBalancer(svc)
          && lbChecks.getOrDefault(arn, new int[2])[1] >= LB_UNHEALTHY_AFTER
          && pastGrace(t, svc)) {
        EcsTasks.stopping(
            t,
            "Task failed ELB health checks in (target-group localbuild-"
                + svc.path("serviceName").asText()
                + ")",
            "ServiceSchedulerInitiated");
        EcsServices.event(svc, "(task " + EcsIds.shortName(arn) + ") failed ELB health checks.");
        failed(t, svc);
      }
      if (serviceHealthy(t)) {
        t.with("localbuild").put("healthy", true);
      }
    }
  }

  /**
   * A task that stopped before it ever served counts against its deployment (the circuit breaker).
   */
  private void failed(ObjectNode t, ObjectNode svc) {
    if (svc == null || t.path("localbuild").path("healthy").asBoolean(false)) {
      return;
    }
    for (JsonNode d : svc.path("deployments")) {
      if (d.path("id").asText().equals(t.path("startedBy").asText())) {
        ((ObjectNode) d).put("failedTasks", d.path("failedTasks").asInt() + 1);
      }
    }
  }

  /**
   * Counts tasks that failed to start towards their deployment, once each: those stopped while the
   * local AWS was not running (a task that fails to start now is counted as it stops).
   */
  private void failures(ObjectNode s) {
    String group = "service:" + s.path("serviceName").asText();
    for (JsonNode n : EcsTasks.tasks(ecs)) {
      ObjectNode t = (ObjectNode) n;
      if (t.path("group").asText().equals(group)
          && t.path("stopCode").asText().equals("TaskFailedToStart")
          && t.path("lastStatus").asText().equals("STOPPED")) {
        countStartFailure(t, s);
      }
    }
  }

  private void countStartFailure(ObjectNode t, ObjectNode s) {
    if (t.path("localbuild").path("counted").asBoolean(false)) {
      return;
    }
    t.with("localbuild").put("counted", true);
    failed(t, s);
    EcsServices.event(
        s,
        "(task "
            + EcsIds.shortName(t.path("taskArn").asText())
            + ") failed to start: "
            + t.path("stoppedReason").asText());
  }

  private boolean pastGrace(ObjectNode t, ObjectNode svc) {
    double started = t.path("startedAt").asDouble(Json.time(Instant.now()));
    return Json.time(Instant.now()) - started > svc.path("healthCheckGracePeriodSeconds").asInt(0);
  }

  private void stopped(ObjectNode t, String reason, String code) {
    double now = Json.time(Instant.now());
    t.put("lastStatus", "STOPPED")
        .put("desiredStatus", "STOPPED")
        .put("stoppedAt", now)
        .put("executionStoppedAt", now);
    if (!t.has("stoppedReason")) {
      t.put("stoppedReason", reason);
    }
    if (!t.has("stopCode")) {
      t.put("stopCode", code);
    }
    for (JsonNode c : t.path("containers")) {
      ((ObjectNode) c).put("lastStatus", "STOPPED");
      if (code.equals("TaskFailedToStart")) {
        ((ObjectNode) c).put("reason", reason);
      }
    }
  }

  /**
   * Whether a task serves its service: running, container checks passed, and the balancer's check.
   */
  boolean serviceHealthy(ObjectNode t) {
    if (!t.path("lastStatus").asText().equals("RUNNING")
        || !t.path("desiredStatus").asText().equals("RUNNING")) {
      return false;
    }
    JsonNode td;
    try {
      td = ecs.taskDefinition(t.path("taskDefinitionArn").asText());
    } catch (AwsError e) {
      return false;
    }
    boolean checks = false;
    for (JsonNode d : td.path("containerDefinitions")) {
      checks |= d.path("healthCheck").path("command").isArray();
    }
    if (checks && !t.path("healthStatus").asText().equals("HEALTHY")) {
      return false;
    }
    ObjectNode svc = service(t);
    return svc == null
        || !hasBalancer(svc)
        || lbChecks.getOrDefault(t.path("taskArn").asText(), new int[2])[0] >= LB_HEALTHY_AFTER;
  }

  private ObjectNode service(JsonNode t) {
    String key = serviceKey(t);
    return key == null ? null : (ObjectNode) EcsServices.services(ecs).get(key);
  }

  private static String serviceKey(JsonNode t) {
    String group = t.path("group").asText();
    return group.startsWith("service:")
        ? EcsIds.shortName(t.path("clusterArn").asText()) + "/" + group.substring(8)
        : null;
  }

  /**
   * The container port the balancer sends traffic to: the service's loadBalancers, else the first
   * mapping.
   */
  private int balancedPort(ObjectNode svc) {
    JsonNode lb = svc.path("loadBalancers").path(0);
    if (lb.has("containerPort")) {
      return lb.get("containerPort").asInt();
    }
    try {
      for (JsonNode d :
          ecs.taskDefinition(svc.path("taskDefinition").asText()).path("containerDefinitions")) {
        for (JsonNode pm : d.path("portMappings")) {
          return pm.path("containerPort").asInt();
        }
      }
    } catch (AwsError e) {
      // no such task definition any more
    }
    return -1;
  }

  private boolean hasBalancer(ObjectNode svc) {
    return balancedPort(svc) > 0;
  }

  private static int hostPort(JsonNode t, int containerPort) {
    for (JsonNode c : t.path("containers")) {
      for (JsonNode b : c.path("networkBindings")) {
        if (b.path("containerPort").asInt() == containerPort) {
          return b.path("hostPort").asInt();
        }
      }
    }
    return -1;
  }

  /** A load balancer's health check of one task: GET / answered below 400. */
  private void checkTarget(ObjectNode t) {
    ObjectNode svc;
    int port;
    synchronized (state) {
      svc = service(t);
      port = svc == null ? -1 : hostPort(t, balancedPort(svc));
    }
    if (port <= 0) {
      return;
    }
    boolean ok;
    try {
      ok =
          http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              < 400;
    } catch (java.io.IOException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int[] c = lbChecks.computeIfAbsent(t.path("taskArn").asText(), k -> new int[2]);
    if (ok) {
      c[0]++;
      c[1] = 0;
    } else {
      c[1]++;
      if (c[0] < LB_HEALTHY_AFTER) {
        c[0] = 0;
      }
    }
  }

  /** Points a service's balancer at its healthy tasks, starting or closing it as needed. */
  private void balance(String key, ObjectNode s, EcsReconciler reconciler) {
    int containerPort = balancedPort(s);
    boolean active = !s.path("status").asText().equals("INACTIVE");
    ServiceBalancer b = balancers.get(key);
    if (!active || containerPort <= 0) {
      if (b != null && !active) {
        balancers.remove(key).close();
      }
      return;
    }
    if (b == null) {
      b = ServiceBalancer.start(vertx, s.path("localbuild").path("balancerPort").asInt(0));
      balancers.put(key, b);
      s.with("localbuild").put("balancerPort", b.port());
    }
    List<ServiceBalancer.Target> targets = new ArrayList<>();
    for (ObjectNode t : reconciler.live(s)) {
      if (serviceHealthy(t)) {
        targets.add(
            new ServiceBalancer.Target(t.path("taskArn").asText(), hostPort(t, containerPort)));
      }
    }
    b.targets(targets);
  }

  private void prune() {
    double cutoff = Json.time(Instant.now().minus(STOPPED_KEPT));
    List<String> old = new ArrayList<>();
    EcsTasks.tasks(ecs)
        .fields()
        .forEachRemaining(e -> {
          if (e.getValue().path("lastStatus").asText().equals("STOPPED")
              && e.getValue().path("stoppedAt").asDouble() < cutoff) {
            old.add(e.getKey());
          }
        });
    old.forEach(EcsTasks.tasks(ecs)::remove);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    workers.shutdownNow();
    balancers.values().forEach(ServiceBalancer::close);
  }
}
