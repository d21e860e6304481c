package dev.localbuild.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.TestLaunchers;
import dev.localbuild.server.builds.BatchService;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.sandbox.SandboxService;
import dev.localbuild.server.store.AgentStore;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.QueueStore;
import dev.localbuild.server.store.Stores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of the server's API, checked against the model of the AWS CLI's own botocore: what
 * the CLI and the SDKs parse is what CodeBuild sends. No Docker: builds are queued, not run.
 */
class CodeBuildShapesTest {
  static ServiceModel codebuild;
  static ServiceModel logs;

  @TempDir Path data;
  Database db;
  BuildLauncher launcher;
  CodeBuildApi api;
  LogsApi logsApi;
  BuildStore builds;
  Stores stores;
  BatchService batches;
  BuildService service;
  SandboxService sandboxes;

  @BeforeAll
  static void models() throws Exception {
    codebuild = ServiceModel.botocore("codebuild", "2016-10-06");
    logs = ServiceModel.botocore("logs", "2014-03-28");
  }

  @BeforeEach
  void server() throws Exception {
    db = Database.open(data, null);
    stores = Stores.of(db);
    builds = stores.builds();
    launcher = TestLaunchers.docker(data);
    service = new BuildService(launcher, stores, 1, "eu-west-1", "000000000000", m -> {});
    // the agent joins (its builds can be held) but takes nothing from the queue: no Docker here
    service.member().join("");
    batches =
        new BatchService(
            service,
            stores,
            new dev.localbuild.server.store.BuildNumberStore(db),
            "eu-west-1",
            "000000000000",
            m -> {},
            data);
    sandboxes = new SandboxService(service, stores, "eu-west-1", "000000000000", m -> {});
    api =
        new CodeBuildApi(
            stores,
            service,
            batches,
            sandboxes,
            "eu-west-1",
            "000000000000",
            () ->
                List.of(
                    new BuildLauncher.LocalImage(
                        "localbuild/standard:latest", "sha256:0123456789abcdef"),
                    new BuildLauncher.LocalImage(
                        "aws/codebuild/standard:7.0", "sha256:fedcba9876543210"),
                    new BuildLauncher.LocalImage(
                        "aws/codebuild/amazonlinux-x86_64-standard:5.0", "sha256:aaaabbbbccccdddd"),
                    new BuildLauncher.LocalImage("debian:bookworm", "sha256:1111222233334444")),
            () -> "http://ci.example:8087",
            new dev.localbuild.server.store.SourceCredentialStore(
                db, new dev.localbuild.server.store.KeyStore(db, data, "000000000000")));
    logsApi = new LogsApi(builds, "eu-west-1", "000000000000");
  }

  @AfterEach
  void close() throws Exception {
    batches.close();
    service.member().close();
    launcher.close();
    db.close();
  }

  JsonNode call(String operation, String json) throws Exception {
    JsonNode out =
        ApiShapes.wire(
            api.call(operation, (ObjectNode) RecordJson.MAPPER.readTree(json), "AKIATEST"));
    assertThat(codebuild.checkOutput(operation, out)).as(operation + ": " + out).isEmpty();
    return out;
  }

  @Test
  void batchesAreStartedReadListedStoppedAndDeletedInCodeBuildsShapes() throws Exception {
    call(
        "CreateProject",
        """
        {"name": "matrix", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nbatch:\\n  fast-fail: true\\n  build-graph:\\n    - identifier: first\\n    - identifier: second\\n      depend-on: [first]\\n      env:\\n        compute-type: BUILD_GENERAL1_MEDIUM\\n        variables:\\n          V: two\\nphases:\\n  build:\\n    commands: [echo hi]\\n"},
         "artifacts": {"type": "NO_ARTIFACTS"},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL"},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build"}
        """);
    assertThatThrownBy(() -> call("StartBuildBatch", "{\"projectName\": \"matrix\"}"))
        .hasMessageContaining("Batch builds are not enabled for project matrix");
    call(
        "UpdateProject",
        "{\"name\": \"matrix\", \"buildBatchConfig\": {\"serviceRole\":"
            + " \"arn:aws:iam::000000000000:role/batch\", \"combineArtifacts\": false}}");
    JsonNode batch =
        call("StartBuildBatch", "{\"projectName\": \"matrix\", \"sourceVersion\": \"main\"}")
            .path("buildBatch");
    String id = batch.path("id").asText();
    assertThat(batch.path("arn").asText())
        .isEqualTo("arn:aws:codebuild:eu-west-1:000000000000:build-batch/" + id);
    assertThat(batch.path("buildBatchNumber").asLong()).isEqualTo(1);
    assertThat(batch.path("buildBatchStatus").asText()).isEqualTo("IN_PROGRESS");

    // the driver reads the batchspec and queues the first build; the second waits for it
    JsonNode b = awaitBatch(id, x -> !x.at("/buildGroups/0/currentBuildSummary").isMissingNode());
    JsonNode got = call("BatchGetBuildBatches", "{\"ids\": [\"" + id + "\", \"matrix:nope\"]}");
    assertThat(got.path("buildBatchesNotFound").get(0).asText()).isEqualTo("matrix:nope");
    assertThat(b.path("currentPhase").asText()).isEqualTo("IN_PROGRESS");
    assertThat(b.at("/buildGroups/0/identifier").asText()).isEqualTo("first");
    assertThat(b.at("/buildGroups/1/dependsOn/0").asText()).isEqualTo("first");
    assertThat(b.at("/buildGroups/1/currentBuildSummary").isMissingNode()).isTrue();
    String first = b.at("/buildGroups/0/currentBuildSummary/arn").asText();
    JsonNode build = call("BatchGetBuilds", "{\"ids\": [\"" + first + "\"]}").path("builds").get(0);
    assertThat(build.path("buildBatchArn").asText()).isEqualTo(b.path("arn").asText());
    assertThat(call("ListBuildBatches", "{}").path("ids"))
        .extracting(JsonNode::asText)
        .containsExactly(id);
    assertThat(
            call(
                    "ListBuildBatchesForProject",
                    "{\"projectName\": \"matrix\", \"filter\": {\"status\": \"SUCCEEDED\"}}")
                .path("ids"))
        .isEmpty();
    assertThatThrownBy(() -> call("DeleteBuildBatch", "{\"id\": \"" + id + "\"}"))
        .hasMessageContaining("is in progress");

    JsonNode stopped = call("StopBuildBatch", "{\"id\": \"" + id + "\"}").path("buildBatch");
    assertThat(stopped.path("buildBatchStatus").asText()).isEqualTo("STOPPED");
    assertThat(stopped.path("complete").asBoolean()).isTrue();
    assertThat(builds.get(build.path("id").asText()).orElseThrow().status()).isEqualTo("STOPPED");
    JsonNode deleted = call("DeleteBuildBatch", "{\"id\": \"" + id + "\"}");
    assertThat(deleted.path("buildsDeleted")).hasSize(1);
    assertThat(
            call("BatchGetBuildBatches", "{\"ids\": [\"" + id + "\"]}")
                .path("buildBatchesNotFound"))
        .hasSize(1);
  }

  JsonNode awaitBatch(String id, java.util.function.Predicate<JsonNode> done) throws Exception {
    JsonNode b = call("BatchGetBuildBatches", "{\"ids\": [\"" + id + "\"]}").at("/buildBatches/0");
    for (int i = 0; i < 200 && !done.test(b); i++) {
      Thread.sleep(50);
      b = call("BatchGetBuildBatches", "{\"ids\": [\"" + id + "\"]}").at("/buildBatches/0");
    }
    assertThat(done.test(b)).as(b.toPrettyString()).isTrue();
    return b;
  }

  @Test
  void aBatchEndsTimedOutAfterItsTimeoutAndIsRefusedBeyondItsRestrictions() throws Exception {
    call(
        "CreateProject",
        """
        {"name": "slow", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nbatch:\\n  build-list:\\n    - identifier: one\\n    - identifier: two\\nphases:\\n  build:\\n    commands: [sleep 600]\\n"},
         "artifacts": {"type": "NO_ARTIFACTS"},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL"},
         "buildBatchConfig": {"serviceRole": "batch", "timeoutInMins": 5},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build"}
        """);
    String id =
        call("StartBuildBatch", "{\"projectName\": \"slow\", \"idempotencyToken\": \"tok\"}")
            .at("/buildBatch/id")
            .asText();
    // the same request with the same token is the same batch; other parameters are refused
    assertThat(
            call("StartBuildBatch", "{\"projectName\": \"slow\", \"idempotencyToken\": \"tok\"}")
                .at("/buildBatch/id")
                .asText())
        .isEqualTo(id);
    assertThatThrownBy(() ->
            call(
                "StartBuildBatch",
                "{\"projectName\": \"slow\", \"idempotencyToken\": \"tok\","
                    + " \"sourceVersion\": \"other\"}"))
        .hasMessageContaining("The idempotency token tok started batch " + id);
    awaitBatch(id, b -> !b.at("/buildGroups/1/currentBuildSummary").isMissingNode());
    // five minutes later, as the driver sees it
    var row = stores.batches().get(id).orElseThrow();
    ObjectNode earlier = row.record().deepCopy();
    earlier.put("startTime", java.time.Instant.now().minusSeconds(301).toString());
    assertThat(
            stores
                .batches()
                .replace(id, "IN_PROGRESS", "IN_PROGRESS", earlier, row.request(), null))
        .isTrue();
    JsonNode timedOut = awaitBatch(id, b -> b.path("complete").asBoolean());
    assertThat(timedOut.path("buildBatchStatus").asText()).isEqualTo("TIMED_OUT");
    assertThat(
            timedOut
                .path("phases")
                .get(timedOut.path("phases").size() - 2)
                .at("/contexts/0/message")
                .asText())
        .isEqualTo("Build batch timed out after 5 minutes");
    for (var b : stores.batches().builds(id)) {
      assertThat(b.status()).isEqualTo("STOPPED"); // they were waiting in the queue
    }

    String tooMany =
        "{\"projectName\": \"slow\", \"idempotencyToken\": \"tok-2\", \"buildBatchConfigOverride\":"
            + " {\"serviceRole\": \"batch\", \"restrictions\": {\"maximumBuildsAllowed\": 1}}}";
    JsonNode refused = call("StartBuildBatch", tooMany).path("buildBatch");
    JsonNode failed = awaitBatch(refused.path("id").asText(), b -> b.path("complete").asBoolean());
    assertThat(failed.path("buildBatchStatus").asText()).isEqualTo("FAILED");
    assertThat(failed.at("/phases/1/phaseType").asText()).isEqualTo("DOWNLOAD_BATCHSPEC");
    assertThat(failed.at("/phases/1/contexts/0/message").asText())
        .isEqualTo(
            "CLIENT_ERROR: the batch has 2 builds, more than the project's"
                + " buildBatchConfig.restrictions.maximumBuildsAllowed (1)");
    // retried, it is still the batch its token started: the retry is not another request
    call(
        "RetryBuildBatch",
        "{\"id\": \"" + refused.path("id").asText() + "\", \"retryType\": \"RETRY_ALL_BUILDS\"}");
    assertThat(call("StartBuildBatch", tooMany).at("/buildBatch/id").asText())
        .isEqualTo(refused.path("id").asText());
  }

  @Test
  void sandboxesAndTheirCommandsAreInCodeBuildsShapes() throws Exception {
    call(
        "CreateProject",
        """
        {"name": "dbg", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nphases:\\n  build:\\n    commands: [exit 1]\\n"},
         "artifacts": {"type": "NO_ARTIFACTS"}, "timeoutInMinutes": 30,
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL",
                         "environmentVariables": [{"name": "STAGE", "value": "dev"}]},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build"}
        """);
    JsonNode sandbox =
        call("StartSandbox", "{\"projectName\": \"dbg\", \"idempotencyToken\": \"t-1\"}")
            .path("sandbox");
    String id = sandbox.path("id").asText();
    assertThat(id).startsWith("dbg:");
    assertThat(sandbox.path("arn").asText())
        .isEqualTo("arn:aws:codebuild:eu-west-1:000000000000:sandbox/" + id);
    assertThat(sandbox.path("status").asText()).isEqualTo("QUEUED");
    assertThat(sandbox.path("timeoutInMinutes").asInt()).isEqualTo(30);
    assertThat(sandbox.at("/environment/environmentVariables/0/value").asText()).isEqualTo("dev");
    String session = sandbox.at("/currentSession/id").asText();
    // the session is a build of the project that runs a breakpoint, not the project's buildspec
    JsonNode build = call("BatchGetBuilds", "{\"ids\": [\"" + session + "\"]}").at("/builds/0");
    assertThat(build.path("projectName").asText()).isEqualTo("dbg");
    assertThat(build.at("/source/buildspec").asText()).contains("codebuild-breakpoint");
    assertThat(
            call("StartSandbox", "{\"projectName\": \"dbg\", \"idempotencyToken\": \"t-1\"}")
                .at("/sandbox/id")
                .asText())
        .isEqualTo(id);

    JsonNode got =
        call(
            "BatchGetSandboxes",
            "{\"ids\": [\"" + sandbox.path("arn").asText() + "\", \"dbg:nope\"]}");
    assertThat(got.at("/sandboxes/0/id").asText()).isEqualTo(id);
    assertThat(got.at("/sandboxesNotFound/0").asText()).isEqualTo("dbg:nope");
    assertThat(call("ListSandboxes", "{}").path("ids"))
        .extracting(JsonNode::asText)
        .containsExactly(id);
    assertThat(call("ListSandboxesForProject", "{\"projectName\": \"dbg\"}").path("ids"))
        .hasSize(1);
    assertThatThrownBy(() -> call("ListSandboxesForProject", "{\"projectName\": \"none\"}"))
        .hasMessageContaining("Project cannot be found");

    // commands wait for the session; the agent that runs it takes them in order
    String[] commands = {"cd /tmp && export A=1", "echo $A; echo warn >&2; exit 4", "sleep 600"};
    List<String> cmdIds = new java.util.ArrayList<>();
    for (String c : commands) {
      JsonNode ce =
          call(
                  "StartCommandExecution",
                  RecordJson.MAPPER.writeValueAsString(
                      java.util.Map.of("sandboxId", id, "command", c)))
              .path("commandExecution");
      assertThat(ce.path("status").asText()).isEqualTo("SUBMITTED");
      assertThat(ce.path("type").asText()).isEqualTo("SHELL");
      cmdIds.add(ce.path("id").asText());
    }
    assertThatThrownBy(() ->
            call(
                "StartCommandExecution",
                "{\"sandboxId\": \"" + id + "\", \"command\": \"ls\", \"type\": \"PYTHON\"}"))
        .hasMessageContaining("Member must satisfy enum value set: [SHELL]");
    java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.localbuild.runtime.BuildShell shell =
        new dev.localbuild.runtime.BuildShell() {
          @Override
          public int run(
              String command,
              java.util.function.Consumer<dev.localbuild.runtime.shell.OutputLine> out)
              throws dev.localbuild.runtime.shell.ShellClosedException {
            ran.add(command);
            if (command.startsWith("sleep")) {
              open.set(false); // StopSandbox killed the container while it ran
              throw new dev.localbuild.runtime.shell.ShellClosedException("killed");
            }
            if (command.startsWith("echo")) {
              out.accept(
                  new dev.localbuild.runtime.shell.OutputLine(
                      dev.localbuild.runtime.shell.OutputLine.Stream.STDOUT, "1"));
              out.accept(
                  new dev.localbuild.runtime.shell.OutputLine(
                      dev.localbuild.runtime.shell.OutputLine.Stream.STDERR, "warn"));
              return 4;
            }
            return 0;
          }

          @Override
          public boolean open() {
            return open.get();
          }
        };
    List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    sandboxes.holder(id).hold(shell, said::add);
    assertThat(ran).containsExactly(commands);
    assertThat(said).anyMatch(l -> l.contains("is running: commands from StartCommandExecution"));

    JsonNode ces =
        call(
            "BatchGetCommandExecutions",
            "{\"sandboxId\": \""
                + id
                + "\", \"commandExecutionIds\": [\""
                + cmdIds.get(1)
                + "\", \"nope\"]}");
    JsonNode failed = ces.at("/commandExecutions/0");
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    assertThat(failed.path("exitCode").asText()).isEqualTo("4");
    assertThat(failed.path("standardOutputContent").asText()).isEqualTo("1\n");
    assertThat(failed.path("standardErrContent").asText()).isEqualTo("warn\n");
    assertThat(failed.path("sandboxArn").asText()).isEqualTo(sandbox.path("arn").asText());
    assertThat(ces.at("/commandExecutionsNotFound/0").asText()).isEqualTo("nope");
    JsonNode listed =
        call(
            "ListCommandExecutionsForSandbox",
            "{\"sandboxId\": \"" + id + "\", \"sortOrder\": \"ASCENDING\", \"maxResults\": 2}");
    assertThat(listed.path("commandExecutions"))
        .extracting(c -> c.path("status").asText())
        .containsExactly("SUCCEEDED", "FAILED");
    JsonNode rest =
        call(
            "ListCommandExecutionsForSandbox",
            "{\"sandboxId\": \""
                + id
                + "\", \"sortOrder\": \"ASCENDING\", \"nextToken\": \""
                + listed.path("nextToken").asText()
                + "\"}");
    assertThat(rest.at("/commandExecutions/0/status").asText()).isEqualTo("STOPPED");
    assertThat(rest.has("nextToken")).isFalse();

    JsonNode stopped = call("StopSandbox", "{\"id\": \"" + id + "\"}").path("sandbox");
    assertThat(stopped.path("status").asText()).isEqualTo("STOPPED"); // it never left the queue
    assertThat(stopped.at("/currentSession/status").asText()).isEqualTo("STOPPED");
    assertThatThrownBy(() ->
            call("StartCommandExecution", "{\"sandboxId\": \"" + id + "\", \"command\": \"ls\"}"))
        .hasMessageContaining("is STOPPED: start a new one with StartSandbox");
    assertThatThrownBy(() -> call("RetryBuild", "{\"id\": \"" + session + "\"}"))
        .hasMessageContaining("is the session of sandbox " + id);
    assertThatThrownBy(() -> call("StartSandboxConnection", "{\"sandboxId\": \"" + id + "\"}"))
        .hasMessageContaining("localbuild attach " + session);
    assertThatThrownBy(() -> call("StopSandbox", "{\"id\": \"dbg:nope\"}"))
        .hasMessageContaining("Sandbox dbg:nope does not exist");
  }

  @Test
  void fleetsAreMadeListedAndShowTheirAgentsInCodeBuildsShapes() throws Exception {
    JsonNode made =
        call(
                "CreateFleet",
                """
                {"name": "gpu", "baseCapacity": 2, "environmentType": "LINUX_CONTAINER",
                 "computeType": "BUILD_GENERAL1_LARGE",
                 "scalingConfiguration": {"scalingType": "TARGET_TRACKING_SCALING", "maxCapacity": 4}}
                """)
            .path("fleet");
    String arn = made.path("arn").asText();
    assertThat(arn).startsWith("arn:aws:codebuild:eu-west-1:000000000000:fleet/gpu:");
    assertThat(made.at("/status/context").asText()).isEqualTo("INSUFFICIENT_CAPACITY");
    assertThat(made.at("/status/message").asText()).contains("serve --fleet gpu");
    call(
        "CreateFleet",
        "{\"name\": \"arm\", \"baseCapacity\": 1, \"environmentType\": \"ARM_CONTAINER\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}");
    assertThatThrownBy(() ->
            call(
                "CreateFleet",
                "{\"name\": \"gpu\", \"baseCapacity\": 1, \"environmentType\": \"LINUX_CONTAINER\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}"))
        .hasMessageContaining("Fleet already exists");

    // two agents joined it, one of them gone since
    long now = System.currentTimeMillis();
    stores
        .agents()
        .register(
            new AgentStore.Agent(
                "ci-1/a",
                "ci-1",
                "gpu",
                false,
                4,
                1,
                "http://ci-1:4591",
                now,
                now + 30_000,
                "ACTIVE"));
    stores
        .agents()
        .register(
            new AgentStore.Agent(
                "ci-2/b",
                "ci-2",
                "gpu",
                false,
                2,
                0,
                "http://ci-2:4591",
                now,
                now + 30_000,
                "LEFT"));
    JsonNode got = call("BatchGetFleets", "{\"names\": [\"" + arn + "\", \"nope\"]}");
    JsonNode gpu = got.path("fleets").get(0);
    assertThat(gpu.at("/status/statusCode").asText()).isEqualTo("ACTIVE");
    assertThat(gpu.at("/status/message").asText()).isEqualTo("1 agent: ci-1 (4 slots, 1 running)");
    assertThat(gpu.at("/scalingConfiguration/desiredCapacity").asInt()).isEqualTo(1);
    assertThat(gpu.at("/scalingConfiguration/maxCapacity").asInt()).isEqualTo(4);
    assertThat(got.path("fleetsNotFound").get(0).asText()).isEqualTo("nope");
    assertThat(call("ListFleets", "{}").path("fleets"))
        .extracting(JsonNode::asText)
        .containsExactly(
            call("BatchGetFleets", "{\"names\": [\"arm\"]}").at("/fleets/0/arn").asText(), arn);
    assertThat(
            call("UpdateFleet", "{\"arn\": \"" + arn + "\", \"baseCapacity\": 3}")
                .at("/fleet/baseCapacity")
                .asInt())
        .isEqualTo(3);

    // a project on the fleet; one naming a fleet that does not exist is refused
    String project =
        """
        {"name": "%s", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2"},
         "artifacts": {"type": "NO_ARTIFACTS"},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm",
                         "computeType": "BUILD_GENERAL1_SMALL", "fleet": {"fleetArn": "%s"}},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build"}
        """;
    call("CreateProject", project.formatted("train", arn));
    assertThatThrownBy(
            () -> call("CreateProject", project.formatted("other", arn.replace("gpu", "tpu"))))
        .hasMessageContaining("does not exist");
    String build = call("StartBuild", "{\"projectName\": \"train\"}").at("/build/id").asText();
    stores
        .agents()
        .register(
            new AgentStore.Agent(
                "plain/c", "plain", null, true, 1, 0, "", now, now + 30_000, "ACTIVE"));
    assertThat(stores.queue().claim("plain/c", QueueStore.Takes.UNASSIGNED)).isEmpty();
    assertThat(stores.queue().claim("ci-1/a", new QueueStore.Takes("gpu", false)))
        .get()
        .extracting(BuildStore.Row::id)
        .isEqualTo(build);

    call("DeleteFleet", "{\"arn\": \"" + arn + "\"}");
    assertThat(call("BatchGetFleets", "{\"names\": [\"gpu\"]}").path("fleetsNotFound")).hasSize(1);
  }

  @Test
  void projectsAndQueuedBuildsAreInCodeBuildsShapes() throws Exception {
    call(
        "CreateProject",
        """
        {"name": "web", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nphases:\\n  build:\\n    commands: [echo hi]\\n"},
         "artifacts": {"type": "NO_ARTIFACTS"},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL",
                         "environmentVariables": [{"name": "A", "value": "1", "type": "PLAINTEXT"}]},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build", "timeoutInMinutes": 30}
        """);
    JsonNode got = call("BatchGetProjects", "{\"names\": [\"web\", \"nope\"]}");
    assertThat(got.path("projects").get(0).path("arn").asText())
        .isEqualTo("arn:aws:codebuild:eu-west-1:000000000000:project/web");
    assertThat(got.path("projectsNotFound").get(0).asText()).isEqualTo("nope");
    assertThat(call("ListProjects", "{}").path("projects").get(0).asText()).isEqualTo("web");
    call("UpdateProject", "{\"name\": \"web\", \"timeoutInMinutes\": 20}");

    JsonNode build =
        call(
                "StartBuild",
                """
                {"projectName": "web", "sourceVersion": "main", "idempotencyToken": "t-1",
                 "environmentVariablesOverride": [{"name": "A", "value": "2"}], "timeoutInMinutesOverride": 10}
                """)
            .path("build");
    String id = build.path("id").asText();
    assertThat(build.path("currentPhase").asText()).isEqualTo("QUEUED");
    assertThat(build.path("timeoutInMinutes").asInt()).isEqualTo(10);
    assertThat(build.path("serviceRole").asText())
        .isEqualTo("arn:aws:iam::000000000000:role/localbuild-build");
    assertThat(build.at("/cache/type").asText()).isEqualTo("NO_CACHE");
    assertThat(build.path("encryptionKey").asText())
        .isEqualTo("arn:aws:kms:eu-west-1:000000000000:alias/aws/s3");
    // the same token within five minutes: the same build
    assertThat(
            call("StartBuild", "{\"projectName\": \"web\", \"idempotencyToken\": \"t-1\"}")
                .path("build")
                .path("id")
                .asText())
        .isEqualTo(id);
    assertThat(
            call("BatchGetBuilds", "{\"ids\": [\"" + id + "\", \"web:nope\"]}")
                .path("buildsNotFound")
                .get(0)
                .asText())
        .isEqualTo("web:nope");
    assertThat(
            call("ListBuildsForProject", "{\"projectName\": \"web\"}").path("ids").get(0).asText())
        .isEqualTo(id);
    call("ListBuilds", "{}");
    JsonNode stopped = call("StopBuild", "{\"id\": \"" + id + "\"}").path("build");
    assertThat(stopped.path("buildStatus").asText()).isEqualTo("STOPPED");
    assertThat(stopped.path("buildComplete").asBoolean()).isTrue();

    JsonNode events =
        ApiShapes.wire(
            logsApi.call(
                "GetLogEvents",
                (ObjectNode)
                    RecordJson.MAPPER.readTree(
                        "{\"logGroupName\": \"/aws/codebuild/web\", \"logStreamName\": \""
                            + id.substring(4)
                            + "\", \"startFromHead\": true}")));
    assertThat(logs.checkOutput("GetLogEvents", events)).isEmpty();
    assertThat(events.path("nextForwardToken").asText()).isEqualTo("f/0");

    JsonNode deleted = call("BatchDeleteBuilds", "{\"ids\": [\"" + id + "\"]}");
    assertThat(deleted.path("buildsDeleted").get(0).asText()).endsWith(":build/" + id);
    // project settings overridden for one build show in its record, not in the project
    JsonNode large =
        call(
                "StartBuild",
                "{\"projectName\": \"web\", \"computeTypeOverride\": \"BUILD_GENERAL1_LARGE\","
                    + " \"sourceTypeOverride\": \"NO_SOURCE\"}")
            .path("build");
    assertThat(large.at("/environment/computeType").asText()).isEqualTo("BUILD_GENERAL1_LARGE");
    assertThat(
            call("BatchGetProjects", "{\"names\": [\"web\"]}")
                .at("/projects/0/environment/computeType")
                .asText())
        .isEqualTo("BUILD_GENERAL1_SMALL");
    call("DeleteProject", "{\"name\": \"web\"}");
  }

  @Test
  void webhooksAreMadeChangedAndDeletedInCodeBuildsShapes() throws Exception {
    call("CreateProject", PROJECT.formatted("web"));
    JsonNode made =
        call(
                "CreateWebhook",
                """
                {"projectName": "web", "filterGroups": [[
                  {"type": "EVENT", "pattern": "PUSH"},
                  {"type": "HEAD_REF", "pattern": "^refs/heads/main$"}]]}
                """)
            .path("webhook");
    assertThat(made.path("payloadUrl").asText()).isEqualTo("http://ci.example:8087/webhooks/web");
    assertThat(made.path("secret").asText()).hasSize(48);
    assertThat(made.path("buildType").asText()).isEqualTo("BUILD");
    assertThat(made.path("status").asText()).isEqualTo("ACTIVE");
    // BatchGetProjects shows the webhook, but not its secret
    JsonNode shown = call("BatchGetProjects", "{\"names\": [\"web\"]}").path("projects").get(0);
    assertThat(shown.path("webhook").path("payloadUrl").asText()).endsWith("/webhooks/web");
    assertThat(shown.path("webhook").has("secret")).isFalse();
    assertThatThrownBy(() -> call("CreateWebhook", "{\"projectName\": \"web\"}"))
        .hasMessageContaining("Webhook already exists");
    JsonNode rotated =
        call("UpdateWebhook", "{\"projectName\": \"web\", \"rotateSecret\": true}").path("webhook");
    assertThat(rotated.path("secret").asText())
        .hasSize(48)
        .isNotEqualTo(made.path("secret").asText());
    assertThat(rotated.path("filterGroups").get(0).size()).isEqualTo(2);
    ApiException bad =
        catchThrowableOfType(
            ApiException.class,
            () ->
                api.call(
                    "UpdateWebhook",
                    (ObjectNode)
                        RecordJson.MAPPER.readTree(
                            "{\"projectName\": \"web\", \"filterGroups\": [[{\"type\": \"HEAD_REF\","
                                + " \"pattern\": \"main\"}]]}"),
                    "AKIATEST"));
    assertThat(bad.type()).isEqualTo("InvalidInputException");
    assertThat(bad.getMessage())
        .isEqualTo("Each filter group must contain exactly one EVENT filter");
    assertThat(call("DeleteWebhook", "{\"projectName\": \"web\"}").size()).isZero();
    ApiException gone =
        catchThrowableOfType(
            ApiException.class,
            () ->
                api.call(
                    "DeleteWebhook",
                    (ObjectNode) RecordJson.MAPPER.readTree("{\"projectName\": \"web\"}"),
                    "AKIATEST"));
    assertThat(gone.type()).isEqualTo("ResourceNotFoundException");
  }

  @Test
  void sourceCredentialsAreImportedListedAndDeletedWithoutTheirTokens() throws Exception {
    JsonNode imported =
        call(
            "ImportSourceCredentials",
            "{\"token\": \"ghp_secret\", \"serverType\": \"GITHUB\", \"authType\":"
                + " \"PERSONAL_ACCESS_TOKEN\"}");
    assertThat(imported.path("arn").asText())
        .isEqualTo("arn:aws:codebuild:eu-west-1:000000000000:token/github");
    assertThatThrownBy(() ->
            call(
                "ImportSourceCredentials",
                "{\"token\": \"x\", \"serverType\": \"GITHUB\", \"authType\":"
                    + " \"PERSONAL_ACCESS_TOKEN\"}"))
        .hasMessageContaining("already exist");
    call(
        "ImportSourceCredentials",
        "{\"token\": \"ghp_new\", \"serverType\": \"GITHUB\", \"authType\":"
            + " \"PERSONAL_ACCESS_TOKEN\", \"shouldOverwrite\": true}");
    JsonNode listed = call("ListSourceCredentials", "{}");
    assertThat(listed.toString()).doesNotContain("ghp_");
    assertThat(listed.path("sourceCredentialsInfos").get(0).path("serverType").asText())
        .isEqualTo("GITHUB");
    assertThat(
            call("DeleteSourceCredentials", "{\"arn\": \"" + imported.path("arn").asText() + "\"}")
                .path("arn")
                .asText())
        .isEqualTo(imported.path("arn").asText());
    assertThat(call("ListSourceCredentials", "{}").path("sourceCredentialsInfos")).isEmpty();
  }

  @Test
  void badRequestsAreCodeBuildsErrors() throws Exception {
    assertThatThrownBy(() -> call("StartBuild", "{\"projectName\": \"nope\"}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("ResourceNotFoundException"))
        .hasMessage(
            "Project cannot be found: arn:aws:codebuild:eu-west-1:000000000000:project/nope");
    assertThatThrownBy(() -> call("CreateProject", "{\"name\": \"x\"}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("InvalidInputException"))
        .hasMessageContaining("Value null at 'source'");
    assertThatThrownBy(() -> call("Frobnicate", "{}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("UnknownOperationException"));
    call(
        "CreateProject",
        "{\"name\": \"web\", \"source\": {\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\"},"
            + " \"artifacts\": {\"type\": \"NO_ARTIFACTS\"}, \"environment\": {\"type\": \"LINUX_CONTAINER\","
            + " \"image\": \"debian:bookworm\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}, \"serviceRole\": \"r\"}");
    assertThatThrownBy(() ->
            call(
                "CreateProject",
                "{\"name\": \"web\", \"source\": {\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\"},"
                    + " \"artifacts\": {\"type\": \"NO_ARTIFACTS\"}, \"environment\": {\"type\": \"LINUX_CONTAINER\","
                    + " \"image\": \"debian:bookworm\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}, \"serviceRole\": \"r\"}"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.type()).isEqualTo("ResourceAlreadyExistsException"));
    assertThatThrownBy(
            () -> call("StartBuild", "{\"projectName\": \"web\", \"timeoutInMinutesOverride\": 3}"))
        .hasMessageContaining("Member must have value between 5 and 2160");
    assertThatThrownBy(() ->
            call(
                "StartBuild",
                "{\"projectName\": \"web\", \"environmentVariablesOverride\": [{\"name\": \"A\", \"value\": \"1\", \"type\": \"NOPE\"}]}"))
        .hasMessageContaining("Member must satisfy enum value set");
  }

  static final String PROJECT =
      "{\"name\": \"%s\", \"source\": {\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\"},"
          + " \"artifacts\": {\"type\": \"NO_ARTIFACTS\"}, \"environment\": {\"type\":"
          + " \"LINUX_CONTAINER\", \"image\": \"debian:bookworm\", \"computeType\":"
          + " \"BUILD_GENERAL1_SMALL\"}, \"serviceRole\": \"r\"}";

  /** Every page of a list operation, following nextToken; a build started between pages. */
  List<String> allPages(String operation, String request, String member, Runnable between)
      throws Exception {
    List<String> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ObjectNode in = (ObjectNode) RecordJson.MAPPER.readTree(request);
      if (token != null) {
        in.put("nextToken", token);
      }
      JsonNode page = call(operation, in.toString());
      assertThat(page.path(member).size()).isLessThanOrEqualTo(100);
      page.path(member).forEach(n -> all.add(n.asText()));
      token = page.path("nextToken").asText(null);
      if (pages++ == 0) {
        between.run();
      }
    } while (token != null);
    return all;
  }

  @Test
  void listsComeInPagesOfAHundredThatNeitherRepeatNorSkipWhenBuildsStartBetweenThem()
      throws Exception {
    call("CreateProject", PROJECT.formatted("web"));
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 205; i++) {
      started.add(
          call("StartBuild", "{\"projectName\": \"web\"}").path("build").path("id").asText());
    }
    List<String> listed =
        allPages(
            "ListBuildsForProject",
            "{\"projectName\": \"web\"}",
            "ids",
            () -> {
              try {
                call("StartBuild", "{\"projectName\": \"web\"}");
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    // newest first: the one started after the first page is before it, so not in this listing
    assertThat(listed).containsExactlyElementsOf(started.reversed());
    assertThat(allPages("ListBuilds", "{\"sortOrder\": \"ASCENDING\"}", "ids", () -> {}))
        .hasSize(206)
        .startsWith(started.getFirst());

    for (int i = 0; i < 120; i++) {
      call("CreateProject", PROJECT.formatted("p" + (1000 + i)));
    }
    assertThat(allPages("ListProjects", "{}", "projects", () -> {})).hasSize(121).endsWith("web");
    assertThatThrownBy(() -> call("ListBuilds", "{\"nextToken\": \"bm9wZQ\"}"))
        .hasMessage("Invalid pagination token: bm9wZQ");
  }

  @Test
  void curatedImagesAreTheBuildImagesThisHostHas() throws Exception {
    JsonNode got = call("ListCuratedEnvironmentImages", "{}");
    assertThat(got.path("platforms").findValuesAsText("platform"))
        .containsExactly("AMAZON_LINUX", "DEBIAN", "UBUNTU");
    assertThat(got.findValuesAsText("name"))
        .containsExactlyInAnyOrder(
            "localbuild/standard:latest",
            "aws/codebuild/standard:7.0",
            "aws/codebuild/amazonlinux-x86_64-standard:5.0");
    assertThat(
            got.path("platforms")
                .get(1)
                .path("languages")
                .get(0)
                .path("images")
                .get(0)
                .path("versions")
                .get(0)
                .asText())
        .isEqualTo("localbuild/standard:latest-0123456789ab");
  }

  JsonNode logsCall(String operation, String json) throws Exception {
    JsonNode out =
        ApiShapes.wire(logsApi.call(operation, (ObjectNode) RecordJson.MAPPER.readTree(json)));
    assertThat(logs.checkOutput(operation, out)).as(operation + ": " + out).isEmpty();
    return out;
  }

  @Test
  void aProjectsLogGroupIsDescribedAndFilteredAsCloudWatchLogsDoes() throws Exception {
    call("CreateProject", PROJECT.formatted("web"));
    String a = call("StartBuild", "{\"projectName\": \"web\"}").path("build").path("id").asText();
    String b = call("StartBuild", "{\"projectName\": \"web\"}").path("build").path("id").asText();
    String streamA = a.substring(4);
    String streamB = b.substring(4);
    builds.appendLog(a, 1, 1000, "[Container] Entering phase BUILD");
    builds.appendLog(a, 2, 1001, "ERROR: test failed in FooTest");
    builds.appendLog(b, 1, 1000, "[Container] Entering phase BUILD");
    builds.appendLog(b, 2, 1002, "WARN: slow test");
    builds.appendLog(b, 3, 1003, "ERROR: lint failed");

    JsonNode streams = logsCall("DescribeLogStreams", "{\"logGroupName\": \"/aws/codebuild/web\"}");
    assertThat(streams.path("logStreams").findValuesAsText("logStreamName"))
        .containsExactlyElementsOf(java.util.stream.Stream.of(streamA, streamB).sorted().toList());
    JsonNode byTime =
        logsCall(
            "DescribeLogStreams",
            "{\"logGroupName\": \"/aws/codebuild/web\", \"orderBy\": \"LastEventTime\","
                + " \"descending\": true, \"limit\": 1}");
    assertThat(byTime.path("logStreams").get(0).path("logStreamName").asText()).isEqualTo(streamB);
    assertThat(byTime.path("logStreams").get(0).path("lastEventTimestamp").asLong())
        .isEqualTo(1003);
    assertThat(byTime.path("nextToken").asText()).isNotEmpty();

    JsonNode errors =
        logsCall(
            "FilterLogEvents",
            "{\"logGroupName\": \"/aws/codebuild/web\", \"filterPattern\": \"ERROR\"}");
    assertThat(errors.path("events").findValuesAsText("message"))
        .containsExactly("ERROR: test failed in FooTest", "ERROR: lint failed");
    assertThat(errors.path("events").get(0).path("logStreamName").asText()).isEqualTo(streamA);
    assertThat(errors.has("nextToken")).isFalse();
    assertThat(
            logsCall(
                    "FilterLogEvents",
                    "{\"logGroupName\": \"/aws/codebuild/web\", \"filterPattern\": \"?WARN ?lint -slow\","
                        + " \"logStreamNames\": [\""
                        + streamB
                        + "\"]}")
                .path("events")
                .findValuesAsText("message"))
        .containsExactly("ERROR: lint failed");
    assertThat(
            logsCall(
                    "FilterLogEvents",
                    "{\"logGroupName\": \"/aws/codebuild/web\", \"filterPattern\": \"\\\"phase BUILD\\\"\","
                        + " \"startTime\": 1000, \"endTime\": 1000}")
                .path("events")
                .size())
        .isEqualTo(2);

    // a page at a time: the token goes on where the last page ended
    List<String> paged = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          logsCall(
              "FilterLogEvents",
              "{\"logGroupName\": \"/aws/codebuild/web\", \"limit\": 2"
                  + (token == null ? "" : ", \"nextToken\": \"" + token + "\"")
                  + "}");
      page.path("events").forEach(e -> paged.add(e.path("message").asText()));
      token = page.path("nextToken").asText(null);
    } while (token != null);
    assertThat(paged).hasSize(5).containsSubsequence("WARN: slow test", "ERROR: lint failed");

    assertThatThrownBy(
            () -> logsCall("FilterLogEvents", "{\"logGroupName\": \"/aws/codebuild/nope\"}"))
        .hasMessage("The specified log group does not exist.");
    assertThatThrownBy(() ->
            logsCall(
                "FilterLogEvents",
                "{\"logGroupName\": \"/aws/codebuild/web\", \"filterPattern\": \"{ $.a = 1 }\"}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("InvalidParameterException"))
        .hasMessageContaining("JSON, space-delimited and regex patterns are not supported");
  }
}
