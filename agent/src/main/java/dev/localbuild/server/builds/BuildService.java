package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildHandle;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.BuildListener;
import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.runtime.event.BuildEvent;
import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.queue.BuildQueue;
import dev.localbuild.server.store.BuildStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server's builds: StartBuild queues them (fair between projects), at most {@code concurrency}
 * run at once through the one build path, and every record and log line is stored as it comes.
 * StopBuild works in every state; a build that was running when the server died is FAULT when it
 * starts again, and the queued ones run.
 */
public final class BuildService implements AutoCloseable {
  /** StartBuild with the same idempotencyToken within this time returns the same build. */
  static final Duration IDEMPOTENCY = Duration.ofMinutes(5);

  private final BuildLauncher launcher;
  private final BuildStore builds;
  private final String region;
  private final String account;
  private final Consumer<String> log;
  private final BuildQueue<Queued> queue = new BuildQueue<>();
  private final Map<String, BuildHandle> running = new ConcurrentHashMap<>();
  // builds whose row exists: a record change is an update, without reading the row first
  private final java.util.Set<String> stored = ConcurrentHashMap.newKeySet();
  // builds counted as ended: a record saved again after the end is not counted twice
  private final java.util.Set<String> ended = ConcurrentHashMap.newKeySet();
  private final Semaphore slots;
  private final Thread dispatcher;
  private final InstantSource clock;
  private final ScheduledExecutorService sweeper;
  private volatile boolean accepting = true;
  private final BuildMetrics metrics;
  private volatile java.util.function.BiConsumer<ObjectNode, BuildRecord> observer = (p, r) -> {};

  /** A build waiting for a slot, until its queued timeout. */
  record Queued(
      String id,
      String project,
      BuildLauncher.Reservation reservation,
      ObjectNode projectJson,
      ObjectNode request,
      String initiator) {
    /** When it has waited {@code queuedTimeoutInMinutes}: TIMED_OUT without running. */
    Instant deadline() {
      return reservation.submitted().plus(queuedTimeout(projectJson, request));
    }
  }

  public BuildService(
      BuildLauncher launcher,
      BuildStore builds,
      int concurrency,
      String region,
      String account,
      Consumer<String> log) {
    this(launcher, builds, concurrency, region, account, log, BuildMetrics.none());
  }

  public BuildService(
      BuildLauncher launcher,
      BuildStore builds,
      int concurrency,
      String region,
      String account,
      Consumer<String> log,
      BuildMetrics metrics) {
    this(launcher, builds, concurrency, region, account, log, InstantSource.system(), metrics);
  }

  BuildService(
      BuildLauncher launcher,
      BuildStore builds,
      int concurrency,
      String region,
      String account,
      Consumer<String> log,
      InstantSource clock,
      BuildMetrics metrics) {
    this.launcher = launcher;
    this.metrics = metrics;
    metrics.watch(queue::size, running::size);
    this.clock = clock;
    this.builds = builds;
    this.region = region;
    this.account = account;
    this.log = log;
    this.slots = new Semaphore(concurrency);
    this.dispatcher = Thread.ofPlatform().name("localbuild-dispatcher").unstarted(this::dispatch);
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("localbuild-queue-timeouts").daemon().factory());
  }

  /**
   * What the last server left: builds that were running are FAULT (their containers are reaped by
   * the launcher's Docker client), queued ones wait again. Then builds start.
   */
  public void recover(Map<String, ObjectNode> projectsByName) throws SQLException {
    for (BuildStore.Row row : builds.withStatus("IN_PROGRESS")) {
      ObjectNode r = row.record();
      BuildHistory.fault(r, "The localbuild server stopped before the build finished");
      builds.update(row.id(), "FAULT", r);
      log.accept("build " + row.id() + " was running when the server stopped; recorded as FAULT");
    }
    for (BuildStore.Row row : builds.withStatus("QUEUED")) {
      ObjectNode project = projectsByName.get(row.project());
      String uuid = row.id().substring(row.id().indexOf(':') + 1);
      if (project == null) {
        failBeforeStart(row.id(), "CLIENT_ERROR", "The project " + row.project() + " was deleted");
        continue;
      }
      queue.add(
          row.project(),
          new Queued(
              row.id(),
              row.project(),
              new BuildLauncher.Reservation(
                  UUID.fromString(uuid),
                  row.number(),
                  Instant.parse(row.record().path("startTime").asText())),
              project,
              row.request(),
              row.record().path("initiator").asText("localbuild")));
    }
    try {
      launcher.docker(); // reaps the containers and volumes of builds of a dead server
    } catch (RuntimeException unreachable) {
      log.accept("Docker is not reachable: builds will fail in PROVISIONING until it is");
    }
    dispatcher.start();
    sweeper.scheduleWithFixedDelay(() -> timeOutQueued(clock.instant()), 1, 1, TimeUnit.SECONDS);
  }

  /** Who else hears of each build's records, with its project (commit statuses). */
  public void observe(java.util.function.BiConsumer<ObjectNode, BuildRecord> observer) {
    this.observer = observer;
  }

  /** StartBuild: the build, queued (or the one this idempotency token already started). */
  public ObjectNode start(
      String projectName, ObjectNode project, ObjectNode request, String initiator)
      throws ApiException, SQLException {
    if (!accepting) {
      throw new ApiException("ServiceUnavailableException", "The server is shutting down", 503);
    }
    String token = text(request, "idempotencyToken");
    if (token != null) {
      Optional<BuildStore.Row> same =
          builds.byToken(token, Instant.now().minus(IDEMPOTENCY).toEpochMilli());
      if (same.isPresent()) {
        return same.get().record();
      }
    }
    ObjectNode effective = ProjectOverrides.apply(project, request);
    order(project, request, initiator); // a bad override is refused now, not after the queue
    BuildLauncher.Reservation reservation = launcher.reserve(projectName);
    String id = projectName + ":" + reservation.uuid();
    ObjectNode record =
        QueuedRecord.of(id, arn(id), reservation, projectName, effective, request, initiator);
    builds.insert(
        new BuildStore.Row(id, projectName, reservation.number(), "QUEUED", record, request),
        token);
    queue.add(projectName, new Queued(id, projectName, reservation, project, request, initiator));
    return record;
  }

  /** StopBuild: a queued build stops without a container; a running one stops now. */
  public ObjectNode stop(String id) throws ApiException, SQLException {
    BuildStore.Row row =
        builds.get(id).orElseThrow(() -> ApiException.notFound("Build " + id + " does not exist"));
    if (queue.remove(q -> q.id().equals(id))) {
      ObjectNode r = row.record();
      QueuedRecord.stopped(r);
      builds.update(id, "STOPPED", r);
      return r;
    }
    BuildHandle h = running.get(id);
    if (h != null) {
      h.stop();
    }
    return builds.get(id).map(BuildStore.Row::record).orElse(row.record());
  }

  /**
   * Builds that waited longer than their {@code queuedTimeoutInMinutes} end TIMED_OUT, without a
   * container, as CodeBuild's do.
   *
   * @return their ids
   */
  List<String> timeOutQueued(Instant now) {
    List<String> ids = new ArrayList<>();
    for (Queued q : queue.removeAll(q -> !q.deadline().isAfter(now))) {
      try {
        Optional<BuildStore.Row> row = builds.get(q.id());
        if (row.isPresent()) {
          ObjectNode r = row.get().record();
          QueuedRecord.timedOut(r, queuedTimeout(q.projectJson(), q.request()));
          builds.update(q.id(), "TIMED_OUT", r);
          log.accept(q.id() + ": timed out in the queue");
          ids.add(q.id());
        }
      } catch (SQLException e) {
        log.accept(q.id() + ": cannot store its record: " + e.getMessage());
      }
    }
    return ids;
  }

  /** The project's queued timeout, or the build's override: CodeBuild's default is 8 hours. */
  static Duration queuedTimeout(ObjectNode project, ObjectNode request) {
    int minutes =
        request.has("queuedTimeoutInMinutesOverride")
            ? request.path("queuedTimeoutInMinutesOverride").asInt()
            : project.path("queuedTimeoutInMinutes").asInt(480);
    return Duration.ofMinutes(minutes);
  }

  /** The running build's id, for tests and the web page. */
  public List<String> running() {
    return new ArrayList<>(running.keySet());
  }

  private void dispatch() {
    while (accepting) {
      try {
        slots.acquire();
        Optional<Queued> next = queue.take(500);
        if (next.isEmpty() || !accepting) {
          next.ifPresent(q -> queue.add(q.project(), q));
          slots.release();
          continue;
        }
        Queued q = next.get();
        Thread.ofPlatform()
            .name("localbuild-build-" + q.reservation().number())
            .start(() -> {
              try {
                run(q);
              } finally {
                slots.release();
              }
            });
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void run(Queued q) {
    BuildOrder order;
    try {
      order = order(q.projectJson(), q.request(), q.initiator());
    } catch (ApiException e) {
      failBeforeStart(q.id(), "CLIENT_ERROR", e.getMessage());
      return;
    }
    BuildListener listener =
        new BuildListener(
            n -> log.accept(q.id() + ": " + n),
            line -> {},
            r -> {
              saveRecord(r);
              observer.accept(q.projectJson(), r);
            },
            this::saveEvent);
    stored.add(q.id()); // its row was written by start()
    metrics.started(q.reservation().submitted(), clock.instant());
    BuildHandle handle;
    try {
      handle = launcher.start(order, listener, q.reservation());
    } catch (OrderException e) {
      failBeforeStart(q.id(), "CLIENT_ERROR", e.field() + ": " + e.getMessage());
      return;
    } catch (Exception e) {
      failBeforeStart(q.id(), "AGENT_ERROR", String.valueOf(e.getMessage()));
      return;
    }
    running.put(q.id(), handle);
    try (handle) {
      handle.await();
    } catch (InterruptedException e) {
      handle.stop();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.accept(q.id() + ": the build ended with an error: " + e);
    } finally {
      running.remove(q.id());
      stored.remove(q.id());
      ended.remove(q.id());
    }
  }

  private void saveRecord(BuildRecord r) {
    ObjectNode json = RecordJson.build(r);
    json.remove("executor"); // the command line's own member: not in CodeBuild's Build
    String status = r.buildComplete() ? r.buildStatus().name() : "IN_PROGRESS";
    try {
      if (stored.add(r.id())) {
        // an automatic retry is a new build, with the same request
        ObjectNode request =
            builds
                .get(
                    r.autoRetry() != null && r.autoRetry().previousAutoRetry() != null
                        ? idOf(r.autoRetry().previousAutoRetry())
                        : r.id())
                .map(BuildStore.Row::request)
                .orElse(RecordJson.MAPPER.createObjectNode());
        builds.insert(
            new BuildStore.Row(r.id(), r.projectName(), r.buildNumber(), status, json, request),
            null);
      } else {
        builds.update(r.id(), status, json);
      }
      if (r.buildComplete() && ended.add(r.id())) {
        metrics.ended(r);
      }
    } catch (SQLException e) {
      log.accept(r.id() + ": cannot store its record: " + e.getMessage());
    }
  }

  private void saveEvent(BuildEvent e) {
    if (e instanceof BuildEvent.Log l) {
      metrics.logLine();
      try {
        builds.appendLog(
            l.buildId(), l.sequence(), l.at().toEpochMilli(), ContainerLogFormat.format(l.line()));
      } catch (SQLException x) {
        log.accept(l.buildId() + ": cannot store a log line: " + x.getMessage());
      }
    }
  }

  /** A build that could not start: FAILED (or FAULT) in PROVISIONING, as CodeBuild's would be. */
  private void failBeforeStart(String id, String code, String message) {
    try {
      Optional<BuildStore.Row> row = builds.get(id);
      if (row.isEmpty()) {
        return;
      }
      ObjectNode r = row.get().record();
      boolean fault = code.equals("AGENT_ERROR");
      QueuedRecord.failedProvisioning(r, fault ? "FAULT" : "FAILED", code, message);
      builds.update(id, fault ? "FAULT" : "FAILED", r);
    } catch (SQLException e) {
      log.accept(id + ": cannot store its record: " + e.getMessage());
    }
  }

  /** A StartBuild request on a project, as the one build path's order. */
  BuildOrder order(ObjectNode projectJson, ObjectNode req, String initiator) throws ApiException {
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
        req.path(UNTRUSTED).asBoolean(false)
            ? new BuildOrder.Host(List.of(), null, true, false, false)
            : BuildOrder.Host.NONE);
  }

  /**
   * A request member no CodeBuild client sends: a webhook's build of a fork's pull request, run as
   * untrusted (no AWS, no secrets, no privileged mode, caches read but not written).
   */
  public static final String UNTRUSTED = "localbuild:untrusted";

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

  private String arn(String id) {
    return "arn:aws:codebuild:" + region + ":" + account + ":build/" + id;
  }

  private static String idOf(String arn) {
    return arn.substring(arn.indexOf(":build/") + 7);
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** SIGTERM: accept no more, let running builds finish for a grace period, then stop them. */
  public void shutdown(Duration grace) throws InterruptedException {
    accepting = false;
    dispatcher.interrupt();
    sweeper.shutdownNow();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    running.values().forEach(BuildHandle::stop);
    long stopDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!running.isEmpty() && System.nanoTime() < stopDeadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }
}
