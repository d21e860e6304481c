package dev.localbuild.server.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.Breakpoints;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.SandboxStore;
import dev.localbuild.server.store.Stores;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * CodeBuild's sandboxes. A sandbox's session is a build of its project whose buildspec is one
 * {@code codebuild-breakpoint}: it goes through the queue, the fleet, PROVISIONING and
 * DOWNLOAD_SOURCE as any build, then {@link SessionHolder} holds it at the breakpoint and runs the
 * sandbox's commands in the build's shell, one at a time, until StopSandbox or its timeout.
 */
public final class SandboxService {
  /** The session's buildspec: the project's own is not run, only its source and environment. */
  static final String SESSION_BUILDSPEC =
      "version: 0.2\nphases:\n  build:\n    commands:\n      - codebuild-breakpoint\n";

  private static final Duration IDEMPOTENCY = Duration.ofMinutes(5);

  private final BuildService builds;
  private final BuildStore buildRows;
  private final SandboxStore store;
  private final String arnPrefix;
  private final Consumer<String> log;

  /** Woken when a command comes in through this agent; sessions elsewhere look every second. */
  private final Object arrivals = new Object();

  public SandboxService(
      BuildService builds, Stores stores, String region, String account, Consumer<String> log) {
    this.builds = builds;
    this.buildRows = stores.builds();
    this.store = stores.sandboxes();
    this.arnPrefix = "arn:aws:codebuild:" + region + ":" + account + ":sandbox/";
    this.log = log;
    builds.holdSessions(this::holder);
  }

  /** StartSandbox: the sandbox, its session queued (or the one this token started). */
  public ObjectNode start(
      String projectName, ObjectNode project, @Nullable String token, String initiator)
      throws ApiException, SQLException {
    if (token != null) {
      Optional<SandboxStore.Sandbox> same =
          store.byToken(token, Instant.now().minus(IDEMPOTENCY).toEpochMilli());
      if (same.isPresent()) {
        return shown(same.get(), false);
      }
    }
    String id = projectName + ":" + UUID.randomUUID();
    ObjectNode request = RecordJson.MAPPER.createObjectNode();
    request.put("buildspecOverride", SESSION_BUILDSPEC);
    request.putObject(BuildService.SANDBOX).put("id", id);
    ObjectNode session = builds.start(projectName, project, request, initiator);
    SandboxStore.Sandbox sandbox =
        new SandboxStore.Sandbox(
            id,
            projectName,
            session.path("id").asText(),
            SandboxRecords.requested(id, arnPrefix + id, projectName, project));
    store.insert(sandbox, token);
    log.accept(id + ": sandbox requested, its session is " + sandbox.sessionId());
    return SandboxRecords.shown(sandbox.record(), session, false);
  }

  /** StopSandbox: its session stops (at once if it still waits for an agent). */
  public ObjectNode stop(String id) throws ApiException, SQLException {
    SandboxStore.Sandbox s = sandbox(id);
    ObjectNode session = builds.stop(s.sessionId());
    return SandboxRecords.shown(s.record(), session, true);
  }

  /** The sandbox, by id or ARN, as BatchGetSandboxes shows it. */
  public Optional<ObjectNode> get(String idOrArn) throws SQLException {
    Optional<SandboxStore.Sandbox> s = store.get(id(idOrArn));
    return s.isEmpty() ? Optional.empty() : Optional.of(shown(s.get(), false));
  }

  public List<String> ids(@Nullable String project, boolean ascending) throws SQLException {
    return store.ids(project, ascending);
  }

  /** StartCommandExecution: the command, SUBMITTED; it runs when the sandbox is RUNNING. */
  public ObjectNode startCommand(String sandboxIdOrArn, String command, String type)
      throws ApiException, SQLException {
    if (!type.equals("SHELL")) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + type
              + "' at 'type' failed to satisfy constraint: Member must satisfy enum value set:"
              + " [SHELL]");
    }
    SandboxStore.Sandbox s = sandbox(sandboxIdOrArn);
    ObjectNode shown = shown(s, false);
    String status = shown.path("status").asText();
    if (SandboxRecords.ended(status)) {
      throw ApiException.invalid(
          "Sandbox " + s.id() + " is " + status + ": start a new one with StartSandbox");
    }
    ObjectNode c = RecordJson.MAPPER.createObjectNode();
    String commandId = UUID.randomUUID().toString();
    c.put("id", commandId);
    c.put("sandboxId", s.id());
    c.put("sandboxArn", arnPrefix + s.id());
    c.put("submitTime", Instant.now().toString());
    c.put("status", "SUBMITTED");
    c.put("command", command);
    c.put("type", type);
    if (shown.path("currentSession").has("logs")) {
      c.set("logs", shown.path("currentSession").path("logs").deepCopy());
    }
    store.addCommand(new SandboxStore.Command(commandId, s.id(), "SUBMITTED", c));
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
    return c;
  }

  /**
   * A sandbox's commands, in the order they came or the reverse, only {@code ids} when given. The
   * commands of a sandbox that ended without running them are STOPPED.
   */
  public List<ObjectNode> commands(
      String sandboxIdOrArn, boolean ascending, @Nullable List<String> ids)
      throws ApiException, SQLException {
    SandboxStore.Sandbox s = sandbox(sandboxIdOrArn);
    boolean ended = SandboxRecords.ended(shown(s, false).path("status").asText());
    List<ObjectNode> out = new ArrayList<>();
    for (SandboxStore.Command c : store.commands(s.id(), ascending, ids)) {
      if (ended && (c.status().equals("SUBMITTED") || c.status().equals("IN_PROGRESS"))) {
        ObjectNode r = CommandResults.stopped(c.record());
        if (store.update(c.id(), c.status(), "STOPPED", r)) {
          out.add(r);
          continue;
        }
        out.add(store.commands(s.id(), true, List.of(c.id())).getFirst().record());
        continue;
      }
      out.add(c.record());
    }
    return out;
  }

  private SandboxStore.Sandbox sandbox(String idOrArn) throws ApiException, SQLException {
    String id = id(idOrArn);
    return store
        .get(id)
        .orElseThrow(() -> ApiException.notFound("Sandbox " + idOrArn + " does not exist"));
  }

  private String id(String idOrArn) {
    return idOrArn.startsWith(arnPrefix) ? idOrArn.substring(arnPrefix.length()) : idOrArn;
  }

  private ObjectNode shown(SandboxStore.Sandbox s, boolean stopping) throws SQLException {
    ObjectNode session =
        buildRows
            .get(s.sessionId())
            .map(BuildStore.Row::record)
            .orElseGet(() -> {
              // the session's build was deleted (BatchDeleteBuilds): the sandbox is over
              ObjectNode gone = RecordJson.MAPPER.createObjectNode();
              gone.put("id", s.sessionId());
              gone.put("buildStatus", "STOPPED");
              return gone;
            });
    return SandboxRecords.shown(s.record(), session, stopping);
  }

  /** The holder of a sandbox's session, on the agent that runs the session's build. */
  public Breakpoints holder(String sandboxId) {
    return new SessionHolder(sandboxId, store, arrivals, log);
  }
}
