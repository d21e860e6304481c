package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.batch.BatchProgress;
import dev.localbuild.agent.record.BuildNumbering;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BatchStore;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.Stores;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Batch builds on the server (StartBuildBatch and the rest): a batch's builds are ordinary builds
 * in the queue, so any agent of the fleet runs them and every API and the web page show them. One
 * agent drives each batch: it reads the batchspec, starts each build when the batch's rules let it
 * ({@link BatchProgress}), and keeps the batch's record. When that agent is lost another takes the
 * batch over and goes on from what the database holds.
 */
public final class BatchService implements AutoCloseable {
  /** The request member that says which builds a retry starts again, and its generation. */
  static final String RETRY = "localbuild:retry";

  private final BuildService builds;
  private final Stores stores;
  private final BatchStore batches;
  private final BuildNumbering numbers;
  private final String region;
  private final String account;
  private final Consumer<String> log;
  private final Map<String, Thread> driving = new ConcurrentHashMap<>();
  private final ScheduledExecutorService adopter =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("localbuild-batches").daemon().factory());

  /** Counted down once, by close(): drivers wait on it between two looks. */
  private final CountDownLatch closing = new CountDownLatch(1);

  public BatchService(
      BuildService builds,
      Stores stores,
      BuildNumbering numbers,
      String region,
      String account,
      Consumer<String> log,
      java.nio.file.Path state) {
    this.state = state;
    this.builds = builds;
    this.stores = stores;
    this.batches = stores.batches();
    this.numbers = numbers;
    this.region = region;
    this.account = account;
    this.log = log;
  }

  private final java.nio.file.Path state;

  /** Where builds' artifacts are kept, and batches' combined ones. */
  java.nio.file.Path state() {
    return state;
  }

  /** Drives this agent's batches and, every 5 s, those whose agent was lost. */
  public void start() {
    adopter.scheduleWithFixedDelay(this::adopt, 0, 5, TimeUnit.SECONDS);
  }

  private void adopt() {
    String me = builds.member().id();
    if (me == null) {
      return;
    }
    try {
      for (String id : batches.adoptOrphans(me)) {
        log.accept("batch " + id + ": its agent is gone; this agent drives it now");
        drive(id);
      }
    } catch (SQLException e) {
      // the database is away: next time
    }
  }

  /** StartBuildBatch: the batch, its batchspec read and its builds started by a driver. */
  public ObjectNode start(
      String projectName, ObjectNode project, ObjectNode request, String initiator)
      throws ApiException, SQLException {
    String token = StartRequests.text(request, "idempotencyToken");
    if (token != null) {
      Optional<BuildStore.Row> same =
          batches.byToken(token, Instant.now().minus(BuildService.IDEMPOTENCY).toEpochMilli());
      if (same.isPresent()) {
        // CodeBuild: the same token with other parameters is an error, not a second batch. The
        // stored request is compared without what RetryBuildBatch added to it since.
        ObjectNode asked = same.get().request().deepCopy();
        asked.remove(RETRY);
        if (!asked.equals(request) || !same.get().project().equals(projectName)) {
          throw ApiException.invalid(
              "The idempotency token "
                  + token
                  + " started batch "
                  + same.get().id()
                  + " less than 5 minutes ago with other parameters");
        }
        return shown(same.get());
      }
    }
    ObjectNode effective = ProjectOverrides.apply(project, request);
    if (!request.has("buildBatchConfigOverride") && !project.has("buildBatchConfig")) {
      throw ApiException.invalid(
          "Batch builds are not enabled for project "
              + projectName
              + ": give it a buildBatchConfig (its serviceRole), or the request a"
              + " buildBatchConfigOverride");
    }
    builds.order(project, request, initiator); // a bad override is refused now
    String me = builds.member().id();
    if (me == null) {
      throw new ApiException(
          "ServiceUnavailableException", "This agent has lost the database; try another", 503);
    }
    long number;
    try {
      number = numbers.next(projectName + "/batch");
    } catch (IllegalStateException e) {
      throw new SQLException(e.getMessage(), e);
    }
    String id = projectName + ":" + UUID.randomUUID();
    ObjectNode record =
        BatchRecord.of(
            id, arn(id), number, projectName, effective, request, initiator, Instant.now());
    batches.insert(
        new BuildStore.Row(id, projectName, number, "IN_PROGRESS", record, request), me, token);
    drive(id);
    return record;
  }

  /** A batch as BatchGetBuildBatches shows it: its record, with its builds as they are now. */
  public ObjectNode shown(BuildStore.Row row) throws SQLException {
    ObjectNode record = row.record();
    BatchRecord.refresh(record, byIdentifier(batches.builds(row.id())));
    return record;
  }

  /** StopBuildBatch: the batch ends STOPPED at once, and its running builds are stopped. */
  public ObjectNode stop(String id) throws ApiException, SQLException {
    BuildStore.Row row = found(id);
    if (!row.status().equals("IN_PROGRESS")) {
      return shown(row);
    }
    ObjectNode record = row.record();
    BatchRecord.end(record, "STOPPED", null, Instant.now());
    if (batches.replace(id, "IN_PROGRESS", "STOPPED", record, row.request(), null)) {
      for (BuildStore.Row b : batches.builds(id)) {
        if (BatchProgress.running(b.status())) {
          builds.stop(b.id());
        }
      }
    }
    return shown(found(id));
  }

  /**
   * RetryBuildBatch: a batch that failed or was stopped goes on, its failed builds (or all of them)
   * started again; the builds they replace stay in the groups' prior summaries.
   */
  public ObjectNode retry(String id, String retryType) throws ApiException, SQLException {
    if (!retryType.equals("RETRY_ALL_BUILDS") && !retryType.equals("RETRY_FAILED_BUILDS")) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + retryType
              + "' at 'retryType' failed to satisfy constraint: Member must satisfy enum value set:"
              + " [RETRY_ALL_BUILDS, RETRY_FAILED_BUILDS]");
    }
    BuildStore.Row row = found(id);
    if (!row.status().equals("FAILED") && !row.status().equals("STOPPED")) {
      throw ApiException.invalid(
          "Only batch builds that have failed or were stopped can be retried: "
              + id
              + " is "
              + row.status());
    }
    String me = builds.member().id();
    if (me == null) {
      throw new ApiException(
          "ServiceUnavailableException", "This agent has lost the database; try another", 503);
    }
    ObjectNode request = row.request();
    Map<String, String> statuses = current(request, batches.builds(id));
    ArrayNode again = RecordJson.MAPPER.createArrayNode();
    statuses.forEach((identifier, status) -> {
      if (retryType.equals("RETRY_ALL_BUILDS") || !"SUCCEEDED".equals(status)) {
        again.add(identifier);
      }
    });
    int generation = request.path(RETRY).path("generation").asInt(0) + 1;
    ObjectNode retry = request.putObject(RETRY);
    retry.put("generation", generation);
    retry.set("identifiers", again);
    ObjectNode record = row.record();
    record.remove("endTime");
    record.put("complete", false);
    record.put("buildBatchStatus", "IN_PROGRESS");
    BatchRecord.phase(record, row.status(), null, "IN_PROGRESS", Instant.now());
    if (!batches.replace(id, row.status(), "IN_PROGRESS", record, request, me)) {
      throw ApiException.invalid("The batch " + id + " changed meanwhile: retry it again");
    }
    drive(id);
    return record;
  }

  /** DeleteBuildBatch: an ended batch goes, and its builds with it, as CodeBuild's do. */
  public ObjectNode delete(String id) throws ApiException, SQLException {
    BuildStore.Row row = found(id);
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode deleted = out.putArray("buildsDeleted");
    ArrayNode notDeleted = out.putArray("buildsNotDeleted");
    if (row.status().equals("IN_PROGRESS")) {
      throw ApiException.invalid("The batch " + id + " is in progress: stop it first");
    }
    for (BuildStore.Row b : batches.builds(id)) {
      if (BatchProgress.running(b.status())) {
        notDeleted.addObject().put("id", b.id()).put("statusCode", "BUILD_IN_PROGRESS");
      } else if (stores.builds().delete(b.id())) {
        deleted.add(b.id());
      }
    }
    batches.delete(id);
    out.put("statusCode", "BATCH_DELETED");
    return out;
  }

  private BuildStore.Row found(String id) throws ApiException, SQLException {
    return batches
        .get(id)
        .orElseThrow(() -> ApiException.notFound("Batch build " + id + " does not exist"));
  }

  /** Starts driving a batch on this agent, unless it already does. */
  private void drive(String id) {
    if (closed()) {
      return;
    }
    driving.computeIfAbsent(
        id,
        key ->
            Thread.ofPlatform()
                .name("localbuild-batch-" + key)
                .daemon()
                .start(() -> {
                  try {
                    new BatchDriver(this, key).run();
                  } finally {
                    driving.remove(key);
                  }
                }));
  }

  /**
   * Each identifier's current build status: its newest build, or for one a retry starts again, its
   * newest of that retry (absent until the retry starts it).
   */
  static Map<String, String> current(ObjectNode request, List<BuildStore.Row> children) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode retry = request.path(RETRY);
    int generation = retry.path("generation").asInt(0);
    List<String> again = new ArrayList<>();
    retry.path("identifiers").forEach(i -> again.add(i.asText()));
    for (BuildStore.Row b : children) {
      JsonNode batch = b.request().path(BuildService.BATCH);
      String identifier = batch.path("identifier").asText();
      if (again.contains(identifier) && batch.path("generation").asInt(0) < generation) {
        continue;
      }
      // a build that failed into an automatic retry (on-failure: RETRY) is not done: its retry,
      // a newer build of the same identifier, is about to be inserted
      boolean retrying =
          !b.status().equals("IN_PROGRESS")
              && b.record().path("autoRetryConfig").hasNonNull("nextAutoRetry");
      out.put(identifier, retrying ? "IN_PROGRESS" : b.status());
    }
    return out;
  }

  /** Each identifier's builds, oldest first. */
  static Map<String, List<BuildStore.Row>> byIdentifier(List<BuildStore.Row> children) {
    Map<String, List<BuildStore.Row>> out = new LinkedHashMap<>();
    for (BuildStore.Row b : children) {
      out.computeIfAbsent(
              b.request().path(BuildService.BATCH).path("identifier").asText(),
              k -> new ArrayList<>())
          .add(b);
    }
    return out;
  }

  String arn(String id) {
    return "arn:aws:codebuild:" + region + ":" + account + ":build-batch/" + id;
  }

  BuildService builds() {
    return builds;
  }

  Stores stores() {
    return stores;
  }

  Consumer<String> log() {
    return log;
  }

  boolean closed() {
    return closing.getCount() == 0;
  }

  /**
   * Waits between two looks at a batch.
   *
   * @return false when this service closed meanwhile
   */
  boolean pause(Duration between) throws InterruptedException {
    return !closing.await(between.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closing.countDown();
    adopter.shutdownNow();
    // a driver between two looks would otherwise write to a database (or a state directory) that
    // is closed or gone by the time it wakes: each ends its look and stops. Not interrupted: a
    // look cut short could fail the batch, which another agent (or this one, started again) goes on
    for (Thread driver : List.copyOf(driving.values())) {
      try {
        driver.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
