package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.batch.BatchPlan;
import dev.localbuild.agent.batch.BatchProgress;
import dev.localbuild.agent.build.OrderResolver;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.agent.source.GitSources;
import dev.localbuild.buildspec.BatchSpec;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One batch, driven by this agent until it ends, is stopped, or is another agent's: every second it
 * reads the batch's builds from the database, starts what may start, stops the others when the
 * batch fails fast, and writes the batch's record. Everything it decides comes from the database,
 * so an agent that takes the batch over goes on where this one was.
 */
final class BatchDriver {
  /** A batchspec that cannot be read: the batch fails in DOWNLOAD_BATCHSPEC, saying why. */
  static final class BatchspecException extends Exception {
    BatchspecException(String message) {
      super(message);
    }
  }

  private final BatchService service;
  private final String id;
  private BatchPlan plan;

  BatchDriver(BatchService service, String id) {
    this.service = service;
    this.id = id;
  }

  void run() {
    while (!service.closed()) {
      try {
        if (!step() || !service.pause(Duration.ofSeconds(1))) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException | RuntimeException e) {
        service.log().accept("batch " + id + ": " + e.getMessage() + " (trying again)");
        try {
          if (!service.pause(Duration.ofSeconds(2))) {
            return;
          }
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /**
   * One look at the batch.
   *
   * @return whether to look again
   */
  boolean step() throws SQLException {
    String me = service.builds().member().id();
    Optional<BuildStore.Row> found = service.stores().batches().get(id);
    if (me == null || found.isEmpty()) {
      return false;
    }
    BuildStore.Row row = found.get();
    if (!row.status().equals("IN_PROGRESS")) {
      return false; // stopped, or ended by another agent's driver
    }
    ObjectNode record = row.record();
    Optional<ObjectNode> project = service.stores().projects().get(row.project());
    if (project.isEmpty()) {
      BatchRecord.end(
          record, "FAILED", "The project " + row.project() + " was deleted", Instant.now());
      service.stores().batches().update(id, me, "FAILED", record);
      return false;
    }
    if (plan == null) {
      try {
        plan = plan(project.get(), row.request());
      } catch (BatchspecException e) {
        BatchRecord.end(record, "FAILED", e.getMessage(), Instant.now());
        service.stores().batches().update(id, me, "FAILED", record);
        service.log().accept("batch " + id + ": " + e.getMessage());
        return false;
      }
      if ("DOWNLOAD_BATCHSPEC".equals(record.path("currentPhase").asText())) {
        BatchRecord.phase(record, "SUCCEEDED", null, "IN_PROGRESS", Instant.now());
      }
    }
    List<BuildStore.Row> children = service.stores().batches().builds(id);
    int timeout = record.path("buildBatchConfig").path("timeoutInMins").asInt(0);
    Instant now = Instant.now();
    if (timeout > 0
        && Instant.parse(record.path("startTime").asText())
            .plusSeconds(60L * timeout)
            .isBefore(now)) {
      // the batch's own timeout: what runs stops, what waits never starts
      stopRunning(children);
      BatchRecord.groups(record, plan, BatchService.byIdentifier(children));
      BatchRecord.end(
          record, "TIMED_OUT", "Build batch timed out after " + timeout + " minutes", now);
      service.stores().batches().update(id, me, "TIMED_OUT", record);
      return false;
    }
    Map<String, String> statuses = BatchService.current(row.request(), children);
    BatchProgress next = BatchProgress.next(plan, statuses);
    if (next.stopOthers()) {
      stopRunning(children);
    }
    String initiator = record.path("initiator").asText("localbuild");
    for (String identifier : next.start()) {
      BatchPlan.Child c =
          plan.children().stream().filter(x -> x.identifier().equals(identifier)).findFirst().get();
      try {
        service
            .builds()
            .start(
                row.project(),
                project.get(),
                childRequest(row.request(), c, service.arn(id)),
                initiator,
                id);
      } catch (ApiException e) {
        service
            .log()
            .accept("batch " + id + ": build " + identifier + " cannot start: " + e.getMessage());
      }
    }
    if (!next.start().isEmpty()) {
      children = service.stores().batches().builds(id);
    }
    BatchRecord.groups(record, plan, BatchService.byIdentifier(children));
    String status = "IN_PROGRESS";
    if (next.status() != null) {
      status = next.status();
      String why = next.notRun().isEmpty() ? null : notRun(next.notRun());
      if (record.path("buildBatchConfig").path("combineArtifacts").asBoolean(false)) {
        status = combine(record, row, children, status, why);
      } else {
        BatchRecord.end(record, status, why, Instant.now());
      }
    }
    return service.stores().batches().update(id, me, status, record) && next.status() == null;
  }

  private void stopRunning(List<BuildStore.Row> children) throws SQLException {
    for (BuildStore.Row b : children) {
      if (BatchProgress.running(b.status())) {
        try {
          service.builds().stop(b.id());
        } catch (ApiException gone) {
          // deleted meanwhile: nothing to stop
        }
      }
    }
  }

  /**
   * COMBINE_ARTIFACTS, then the batch's end: the artifacts of each group's current build in one zip
   * kept with the batch, named in the batch's {@code artifacts}. A batch with nothing to combine
   * still goes through the phase; one whose artifacts cannot be combined fails in it.
   *
   * @return the batch's final status
   */
  private String combine(
      ObjectNode record,
      BuildStore.Row batch,
      List<BuildStore.Row> children,
      String status,
      @org.jspecify.annotations.Nullable String why) {
    BatchRecord.phase(record, status, why, "COMBINE_ARTIFACTS", Instant.now());
    Map<String, Path> dirs = new java.util.LinkedHashMap<>();
    BatchService.byIdentifier(children)
        .forEach((identifier, rows) ->
            dirs.put(
                identifier,
                dev.localbuild.agent.build.BuildOutputs.keptArtifacts(
                    service.state(), batch.project(), rows.getLast().number())));
    Path target =
        dev.localbuild.agent.build.BuildOutputs.keptBatchArtifacts(
            service.state(), batch.project(), Long.toString(batch.number()));
    String failed = null;
    try {
      var combined = dev.localbuild.agent.batch.CombinedArtifacts.combine(dirs, target);
      if (combined.isPresent()) {
        record
            .putObject("artifacts")
            .put("location", combined.get().zip().toUri().toString())
            .put("sha256sum", combined.get().sha256())
            .put("md5sum", combined.get().md5());
      }
    } catch (IOException e) {
      failed = "CLIENT_ERROR: cannot combine the batch's artifacts: " + e.getMessage();
    }
    String end = failed != null ? "FAILED" : status;
    BatchRecord.end(record, failed != null ? "FAILED" : "SUCCEEDED", failed, end, Instant.now());
    return end;
  }

  private static String notRun(Map<String, String> notRun) {
    StringBuilder b = new StringBuilder("not run: ");
    notRun.forEach(
        (identifier, why) -> b.append(identifier).append(" (").append(why).append("); "));
    return b.substring(0, b.length() - 2);
  }

  /**
   * A build of the batch as a StartBuild request: the batch's overrides, with the build's
   * buildspec, variables, image, privileged mode and compute type, and which build of which batch
   * it is.
   */
  static ObjectNode childRequest(ObjectNode batchRequest, BatchPlan.Child c, String batchArn) {
    ObjectNode r = RecordJson.MAPPER.createObjectNode();
    for (String member :
        List.of(
            "sourceVersion",
            "secondarySourcesOverride",
            "secondarySourcesVersionOverride",
            "artifactsOverride",
            "secondaryArtifactsOverride",
            "sourceTypeOverride",
            "sourceLocationOverride",
            "gitCloneDepthOverride",
            "buildspecOverride",
            "environmentTypeOverride",
            "imageOverride",
            "computeTypeOverride",
            "cacheOverride",
            "serviceRoleOverride",
            "privilegedModeOverride",
            "queuedTimeoutInMinutesOverride",
            "logsConfigOverride",
            BuildService.UNTRUSTED)) {
      JsonNode v = batchRequest.get(member);
      if (v != null) {
        r.set(member, v.deepCopy());
      }
    }
    if (batchRequest.has("buildTimeoutInMinutesOverride")) {
      r.set("timeoutInMinutesOverride", batchRequest.get("buildTimeoutInMinutesOverride"));
    }
    ArrayNode vars = r.putArray("environmentVariablesOverride");
    batchRequest.path("environmentVariablesOverride").forEach(v -> vars.add(v.deepCopy()));
    c.variables()
        .forEach(
            (k, v) -> vars.addObject().put("name", k).put("value", v).put("type", "PLAINTEXT"));
    if (c.buildspec() != null) {
      r.put("buildspecOverride", c.buildspec());
    }
    if (c.image() != null) {
      r.put("imageOverride", c.image());
    }
    if (c.privileged()) {
      r.put("privilegedModeOverride", true);
    }
    ObjectNode batch = r.putObject(BuildService.BATCH);
    batch.put("arn", batchArn);
    batch.put("identifier", c.identifier());
    if (c.computeType() != null) {
      batch.put("computeType", c.computeType());
    }
    batch.put("generation", batchRequest.path(BatchService.RETRY).path("generation").asInt(0));
    return r;
  }

  /**
   * The batch's plan, from its batchspec: the override or the project's buildspec when it is the
   * buildspec itself, else the file in the project's source, fetched at the batch's version.
   */
  BatchPlan plan(ObjectNode projectJson, ObjectNode request) throws BatchspecException {
    ProjectConfig project;
    try {
      project = ProjectFile.parse(ProjectOverrides.apply(projectJson, request), null, "project");
    } catch (ProjectFile.ProjectFileException e) {
      throw new BatchspecException(e.getMessage());
    }
    String override = StartRequests.text(request, "buildspecOverride");
    Path scratch = null;
    try {
      BuildspecSource spec = OrderResolver.buildspec(override, project, Path.of("/nonexistent"));
      if (spec.inline() == null) {
        if (project.source() == null || !project.source().isGit()) {
          throw new BatchspecException(
              "The batch's buildspec is a file of the source, which this server can read for git"
                  + " sources only; give the buildspec itself in the project or the"
                  + " buildspecOverride");
        }
        scratch = Files.createTempDirectory("localbuild-batchspec");
        String version = StartRequests.sourceVersion(projectJson, request);
        Path dir =
            new GitSources(scratch.resolve("cache"))
                .fetch(project.source().location(), version, 1, null, scratch.resolve("src"))
                .dir();
        String inSource = spec.pathInSource() != null ? spec.pathInSource() : "buildspec.yml";
        spec = BuildspecSource.file(dir.resolve(inSource), inSource);
      }
      BatchSpec batch = spec.parse().batch();
      if (batch == null) {
        throw new BatchspecException("The buildspec " + spec.describe() + " has no batch section");
      }
      BatchPlan plan = BatchPlan.of(batch);
      java.util.Set<String> known = new java.util.HashSet<>();
      plan.children().forEach(c -> known.add(c.identifier()));
      for (BatchPlan.Child c : plan.children()) {
        for (String dep : c.dependOn()) {
          if (!known.contains(dep)) {
            throw new BatchspecException(
                "YAML_FILE_ERROR: build "
                    + c.identifier()
                    + " depends on "
                    + dep
                    + ", which the batch does not have");
          }
        }
      }
      if (plan.children().isEmpty()) {
        throw new BatchspecException("YAML_FILE_ERROR: the batch section has no builds");
      }
      java.util.Optional<String> refused =
          plan.refusedBy(project.buildBatchConfig(), project.environment().computeType());
      if (refused.isPresent()) {
        throw new BatchspecException("CLIENT_ERROR: " + refused.get());
      }
      return plan;
    } catch (GitSources.GitException e) {
      throw new BatchspecException("CLIENT_ERROR: cannot fetch the source: " + e.getMessage());
    } catch (IOException e) {
      throw new BatchspecException("cannot fetch the source: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchspecException("interrupted while fetching the source");
    } catch (RuntimeException e) {
      throw new BatchspecException("YAML_FILE_ERROR: " + e.getMessage());
    } finally {
      if (scratch != null) {
        dev.localbuild.runtime.sandbox.LocalSandbox.deleteTree(scratch);
      }
    }
  }
}
