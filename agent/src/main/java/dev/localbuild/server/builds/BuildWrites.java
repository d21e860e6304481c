package dev.localbuild.server.builds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.runtime.event.BuildEvent;
import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.QueueStore;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What this agent's builds write as they run: their records and log lines, each only while the
 * agent run that claimed the build still holds it. A write the database refuses (another agent
 * declared this one lost) stops the build here.
 */
final class BuildWrites {
  private final BuildStore builds;
  private final QueueStore queue;
  private final Supplier<String> currentAgent;
  private final BuildMetrics metrics;
  private final Consumer<String> log;
  // builds counted as ended: a record saved again after the end is not counted twice
  private final Set<String> ended = ConcurrentHashMap.newKeySet();

  BuildWrites(
      BuildStore builds,
      QueueStore queue,
      Supplier<String> currentAgent,
      BuildMetrics metrics,
      Consumer<String> log) {
    this.builds = builds;
    this.queue = queue;
    this.currentAgent = currentAgent;
    this.metrics = metrics;
    this.log = log;
  }

  /**
   * A record of a build {@code agent} claimed; {@code stop} stops the build when it turns out to be
   * another agent's now.
   */
  void record(BuildRecord r, String agent, Runnable stop, @Nullable String buildBatchArn) {
    if (!agent.equals(currentAgent.get())) {
      return; // this agent's lease on it is gone: the write would be refused, and may hang
    }
    ObjectNode json = RecordJson.build(r);
    json.remove("executor"); // the command line's own member: not in CodeBuild's Build
    if (buildBatchArn != null) {
      json.put("buildBatchArn", buildBatchArn);
    }
    String status = r.buildComplete() ? r.buildStatus().name() : "IN_PROGRESS";
    try {
      boolean retry = r.autoRetry() != null && r.autoRetry().previousAutoRetry() != null;
      if (retry && builds.get(r.id()).isEmpty()) {
        // an automatic retry is a new build, with the same request, held by the same agent
        ObjectNode request =
            builds
                .get(idOf(r.autoRetry().previousAutoRetry()))
                .map(BuildStore.Row::request)
                .orElse(RecordJson.MAPPER.createObjectNode());
        // of the same batch as the build it retries, if that was a batch's
        String batchArn = StartRequests.text(request.path(BuildService.BATCH), "arn");
        builds.insert(
            new BuildStore.Row(r.id(), r.projectName(), r.buildNumber(), status, json, request),
            null,
            null,
            agent,
            batchArn == null ? null : batchArn.substring(batchArn.indexOf("build-batch/") + 12));
      } else if (!queue.update(r.id(), agent, status, json)) {
        // another agent declared this one lost and ended the build: it must not go on here
        if (!r.buildComplete()) {
          log.accept(r.id() + ": no longer this agent's (its lease was lost): stopping it");
          stop.run();
        }
        return;
      }
      if (r.buildComplete() && ended.add(r.id())) {
        metrics.ended(r);
      }
    } catch (SQLException e) {
      log.accept(r.id() + ": cannot store its record: " + e.getMessage());
    }
  }

  /** An event of a build {@code agent} claimed: its log lines are stored. */
  void event(BuildEvent e, String agent) {
    if (e instanceof BuildEvent.Log l) {
      if (!agent.equals(currentAgent.get())) {
        return; // as with records: not this agent's build any more
      }
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
  void failBeforeStart(String id, String agent, String code, String message) {
    try {
      Optional<BuildStore.Row> row = builds.get(id);
      if (row.isEmpty()) {
        return;
      }
      ObjectNode r = row.get().record();
      boolean fault = code.equals("AGENT_ERROR");
      QueuedRecord.failedProvisioning(r, fault ? "FAULT" : "FAILED", code, message);
      queue.update(id, agent, fault ? "FAULT" : "FAILED", r);
    } catch (SQLException e) {
      log.accept(id + ": cannot store its record: " + e.getMessage());
    }
  }

  /** The build has ended here: nothing more of it is counted. */
  void forget(String id) {
    ended.remove(id);
  }

  private static String idOf(String arn) {
    return arn.substring(arn.indexOf(":build/") + 7);
  }
}
