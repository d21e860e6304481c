package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.Breakpoints;
import dev.localbuild.agent.build.BuildHandle;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.BuildListener;
import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.fleet.FleetMember;
import dev.localbuild.server.fleet.Fleets;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.QueueStore;
import dev.localbuild.server.store.Stores;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The server's builds: StartBuild queues them in the database, which every agent sharing it takes
 * from (fair between projects), at most {@code capacity} at once on this agent, through the one
 * build path; every record and log line is stored as it comes. StopBuild works in every state and
 * on whichever agent runs the build. A build that was running when its agent died is FAULT: at once
 * when the agent starts again, or when its lease runs out.
 */
public final class BuildService implements AutoCloseable {
  /** StartBuild with the same idempotencyToken within this time returns the same build. */
  static final Duration IDEMPOTENCY = Duration.ofMinutes(5);

  /**
   * How often an idle agent looks at the queue without being told: NOTIFY (or, alone on H2, this
   * process) tells it of every queued build, and of possibly missed ones when its LISTEN connection
   * comes back; the look is for what is left.
   */
  private static final Duration IDLE_LOOK = Duration.ofSeconds(5);

  /** Queued timeouts are at least 5 minutes: a younger build cannot be past its own. */
  private static final Duration SHORTEST_QUEUED_TIMEOUT = Duration.ofMinutes(5);

  private final BuildLauncher launcher;
  private final Stores stores;
  private final BuildStore builds;
  private final QueueStore queue;
  private final FleetMember member;
  private final String region;
  private final String account;
  private final Consumer<String> log;

  /** A build this agent runs, and the agent run that claimed it (its writes are fenced by it). */
  private record Running(BuildHandle handle, String agent) {}

  private final Map<String, Running> running = new ConcurrentHashMap<>();
  // claimed builds asked to stop before their handle existed
  private final Set<String> stopBeforeStart = ConcurrentHashMap.newKeySet();
  private final BuildWrites writes;
  private final Semaphore slots;
  private final Thread dispatcher;
  private final InstantSource clock;
  private final ScheduledExecutorService sweeper;
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean accepting = true;
  private final BuildMetrics metrics;
  private volatile BiConsumer<ObjectNode, BuildRecord> observer = (p, r) -> {};

  /** One agent alone on its database, with {@code capacity} slots: tests, and H2's default. */
  public BuildService(
      BuildLauncher launcher,
      Stores stores,
      int capacity,
      String region,
      String account,
      Consumer<String> log) {
    this(
        launcher,
        stores,
        FleetMember.solo(capacity),
        region,
        account,
        log,
        InstantSource.system(),
        BuildMetrics.none());
  }

  public BuildService(
      BuildLauncher launcher,
      Stores stores,
      FleetMember.Config agent,
      String region,
      String account,
      Consumer<String> log,
      BuildMetrics metrics) {
    this(launcher, stores, agent, region, account, log, InstantSource.system(), metrics);
  }

  BuildService(
      BuildLauncher launcher,
      Stores stores,
      FleetMember.Config agent,
      String region,
      String account,
      Consumer<String> log,
      InstantSource clock,
      BuildMetrics metrics) {
    this.launcher = launcher;
    this.stores = stores;
    this.builds = stores.builds();
    this.queue = stores.queue();
    this.metrics = metrics;
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.log = log;
    this.member =
        new FleetMember(
            stores.db(), stores.agents(), queue, agent, clock, log, BuildHistory::fault);
    metrics.watch(
        () -> {
          try {
            return queue.waiting();
          } catch (SQLException e) {
            return -1;
          }
        },
        running::size);
    this.writes = new BuildWrites(builds, queue, member::id, metrics, log);
    this.slots = new Semaphore(agent.capacity());
    this.dispatcher = Thread.ofPlatform().name("localbuild-dispatcher").unstarted(this::dispatch);
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("localbuild-queue-timeouts").daemon().factory());
  }

  /**
   * Joins the agents sharing the database: builds this agent's last run left running are FAULT
   * (their containers are reaped by the launcher's Docker client). Then builds start.
   */
  public void recover() throws SQLException {
    recover("");
  }

  /** {@link #recover()}, for an agent whose API listens at {@code address}. */
  public void recover(String address) throws SQLException {
    for (BuildStore.Row row : queue.unheld()) {
      // running under a server from before agents held builds: it is gone
      ObjectNode r = row.record();
      BuildHistory.fault(r, "The localbuild server stopped before the build finished");
      builds.update(row.id(), "FAULT", r);
      log.accept("build " + row.id() + " was running when the server stopped; recorded as FAULT");
    }
    member.join(address);
    try {
      launcher.docker(); // reaps the containers and volumes of builds of a dead server
    } catch (RuntimeException unreachable) {
      log.accept("Docker is not reachable: builds will fail in PROVISIONING until it is");
    }
    member.start(
        new FleetMember.Builds() {
          @Override
          public int running() {
            return running.size();
          }

          @Override
          public void stop(String id) {
            if (!stopHere(id)) {
              stopBeforeStart.add(id); // claimed here, its container not started yet
            }
          }

          @Override
          public void stopAll(String why) {
            running.values().forEach(r -> r.handle().stop());
          }
        });
    stores.db().listen(QueueStore.QUEUED, payload -> wake());
    dispatcher.start();
    // queued timeouts are whole minutes: a look every 5 s ends a build at most 5 s late
    sweeper.scheduleWithFixedDelay(() -> timeOutQueued(clock.instant()), 5, 5, TimeUnit.SECONDS);
  }

  /** This agent, as it takes part in the fleet. */
  public FleetMember member() {
    return member;
  }

  /** Who else hears of each build's records, with its project (commit statuses). */
  public void observe(BiConsumer<ObjectNode, BuildRecord> observer) {
    this.observer = observer;
  }

  /** StartBuild: the build, queued (or the one this idempotency token already started). */
  public ObjectNode start(
      String projectName, ObjectNode project, ObjectNode request, String initiator)
      throws ApiException, SQLException {
    return start(projectName, project, request, initiator, null);
  }

  /**
   * StartBuild, as a build of the batch {@code batchId} when given (its request's {@link #BATCH}
   * member says which build of it).
   */
  public ObjectNode start(
      String projectName,
      ObjectNode project,
      ObjectNode request,
      String initiator,
      @Nullable String batchId)
      throws ApiException, SQLException {
    if (!accepting) {
      throw new ApiException("ServiceUnavailableException", "The server is shutting down", 503);
    }
    String token = StartRequests.text(request, "idempotencyToken");
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
        token,
        Fleets.of(effective),
        null,
        batchId);
    return record;
  }

  /**
   * StopBuild: a waiting build stops without a container; one running here stops now; one another
   * agent runs is stopped by that agent, told through the database.
   */
  public ObjectNode stop(String id) throws ApiException, SQLException {
    BuildStore.Row row =
        builds.get(id).orElseThrow(() -> ApiException.notFound("Build " + id + " does not exist"));
    if (row.status().equals("QUEUED")) {
      ObjectNode r = row.record();
      QueuedRecord.stopped(r);
      if (queue.endWaiting(id, "STOPPED", r)) {
        return r;
      }
    }
    if (!stopHere(id)) {
      queue.requestStop(id);
    }
    return builds.get(id).map(BuildStore.Row::record).orElse(row.record());
  }

  /** Stops a build if this agent has it; whether it has. */
  private boolean stopHere(String id) {
    Running r = running.get(id);
    if (r != null) {
      r.handle().stop();
      return true;
    }
    return false;
  }

  /**
   * Builds that waited longer than their {@code queuedTimeoutInMinutes} end TIMED_OUT, without a
   * container, as CodeBuild's do. Whichever agent sees it first ends it.
   *
   * @return their ids
   */
  List<String> timeOutQueued(Instant now) {
    List<String> ids = new ArrayList<>();
    try {
      for (BuildStore.Row row :
          queue.waitingSince(now.minus(SHORTEST_QUEUED_TIMEOUT).toEpochMilli())) {
        ObjectNode r = row.record();
        Duration timeout = Duration.ofMinutes(r.path("queuedTimeoutInMinutes").asLong(480));
        Instant submitted = Instant.parse(r.path("startTime").asText());
        if (submitted.plus(timeout).isAfter(now)) {
          continue;
        }
        QueuedRecord.timedOut(r, timeout);
        if (queue.endWaiting(row.id(), "TIMED_OUT", r)) {
          log.accept(row.id() + ": timed out in the queue");
          ids.add(row.id());
        }
      }
    } catch (SQLException | RuntimeException e) {
      log.accept("cannot time out queued builds: " + e.getMessage());
    }
    return ids;
  }

  /** The running build's id, for tests and the web page. */
  public List<String> running() {
    return new ArrayList<>(running.keySet());
  }

  private void wake() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  /**
   * Takes builds while a slot is free: at once when told one waits (NOTIFY), and every {@link
   * #IDLE_LOOK} in any case.
   */
  private void dispatch() {
    while (accepting) {
      try {
        slots.acquire();
        Optional<BuildStore.Row> next = Optional.empty();
        String me = member.id();
        if (me != null && accepting) {
          try {
            next = queue.claim(me, member.takes());
          } catch (SQLException e) {
            log.accept("cannot take a build from the queue: " + e.getMessage());
          }
        }
        if (next.isEmpty()) {
          slots.release();
          synchronized (wake) {
            if (!woken) {
              wake.wait(IDLE_LOOK.toMillis());
            }
            woken = false;
          }
          continue;
        }
        BuildStore.Row row = next.get();
        Thread.ofPlatform()
            .name("localbuild-build-" + row.number())
            .start(() -> {
              try {
                run(row, me);
              } finally {
                slots.release();
              }
            });
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void run(BuildStore.Row row, String agent) {
    String id = row.id();
    log.accept(id + ": claimed by agent " + agent);
    Optional<ObjectNode> project;
    try {
      project = stores.projects().get(row.project());
    } catch (SQLException e) {
      writes.failBeforeStart(
          id, agent, "AGENT_ERROR", "cannot read the project: " + e.getMessage());
      return;
    }
    if (project.isEmpty()) {
      writes.failBeforeStart(
          id, agent, "CLIENT_ERROR", "The project " + row.project() + " was deleted");
      return;
    }
    String initiator = row.record().path("initiator").asText("localbuild");
    BuildOrder order;
    try {
      order = order(project.get(), row.request(), initiator);
    } catch (ApiException e) {
      writes.failBeforeStart(id, agent, "CLIENT_ERROR", e.getMessage());
      return;
    }
    SessionHolders holders = sessions;
    String sandboxId = StartRequests.text(row.request().path(SANDBOX), "id");
    if (sandboxId != null && holders != null) {
      order = order.withHost(order.host().heldBy(holders.holder(sandboxId)));
    }
    BuildLauncher.Reservation reservation =
        new BuildLauncher.Reservation(
            UUID.fromString(id.substring(id.indexOf(':') + 1)),
            row.number(),
            Instant.parse(row.record().path("startTime").asText()));
    BuildListener listener =
        new BuildListener(
            n -> log.accept(id + ": " + n),
            line -> {},
            r -> {
              writes.record(
                  r,
                  agent,
                  () -> stopHere(id),
                  StartRequests.text(row.request().path(BATCH), "arn"));
              observer.accept(project.get(), r);
            },
            e -> writes.event(e, agent));
    metrics.started(reservation.submitted(), clock.instant());
    BuildHandle handle;
    try {
      handle = launcher.start(order, listener, reservation);
    } catch (OrderException e) {
      writes.failBeforeStart(id, agent, "CLIENT_ERROR", e.field() + ": " + e.getMessage());
      return;
    } catch (Exception e) {
      writes.failBeforeStart(id, agent, "AGENT_ERROR", String.valueOf(e.getMessage()));
      return;
    }
    running.put(id, new Running(handle, agent));
    if (stopBeforeStart.remove(id) || !agent.equals(member.id())) {
      handle.stop(); // asked to stop while it started, or this agent's lease went meanwhile
    }
    try (handle) {
      handle.await();
    } catch (InterruptedException e) {
      handle.stop();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.accept(id + ": the build ended with an error: " + e);
    } finally {
      running.remove(id);
      writes.forget(id);
      stopBeforeStart.remove(id);
    }
  }

  /** Who holds a sandbox's session at its breakpoint: the sandbox service. */
  @FunctionalInterface
  public interface SessionHolders {
    Breakpoints holder(String sandboxId);
  }

  private volatile @Nullable SessionHolders sessions;

  /** Sandbox sessions are held by {@code holders} (set once, before builds start). */
  public void holdSessions(SessionHolders holders) {
    this.sessions = holders;
  }

  /** A StartBuild request on a project, as the one build path's order. */
  BuildOrder order(ObjectNode projectJson, ObjectNode req, String initiator) throws ApiException {
    return StartRequests.order(projectJson, req, initiator, region);
  }

  /**
   * A request member no CodeBuild client sends: a webhook's build of a fork's pull request, run as
   * untrusted (no AWS, no secrets, no privileged mode, caches read but not written).
   */
  public static final String UNTRUSTED = "localbuild:untrusted";

  /**
   * A request member no CodeBuild client sends: a batch's build, {@code {"arn": the batch's ARN,
   * "identifier": ..., "computeType": ... or absent}}.
   */
  public static final String BATCH = "localbuild:batch";

  /**
   * A request member no CodeBuild client sends: the build is a sandbox's session, {@code {"id": the
   * sandbox's id}}, held at its breakpoint while the sandbox's commands run in it.
   */
  public static final String SANDBOX = "localbuild:sandbox";

  private String arn(String id) {
    return "arn:aws:codebuild:" + region + ":" + account + ":build/" + id;
  }

  /**
   * SIGTERM: accept no more, let running builds finish for a grace period, then stop them; the
   * agent leaves the fleet.
   */
  public void shutdown(Duration grace) throws InterruptedException {
    accepting = false;
    dispatcher.interrupt();
    dispatcher.join(5000);
    sweeper.shutdownNow();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    running.values().forEach(r -> r.handle().stop());
    long stopDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!running.isEmpty() && System.nanoTime() < stopDeadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    member.close();
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }
}
