package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sandbox session on {@code localbuild serve}, driven end to end by the AWS CLI (pip's v1: the
 * one here that has sandboxes): start-sandbox, commands submitted before it is ready and run in
 * order in one shell, their output and exit codes, the lists, stop-sandbox, and nothing left.
 */
@Timeout(600)
class ServeSandboxIT {
  @RegisterExtension final ServeFixture serve = new ServeFixture();

  ServeProcess.Cli cli(String... args) throws Exception {
    return serve.cli(ServeProcess.AWS_V1, args);
  }

  JsonNode aws(String... args) throws Exception {
    ServeProcess.Cli c = cli(args);
    assertThat(c.exit()).as(String.join(" ", args) + ": " + c.err()).isZero();
    return c.json();
  }

  JsonNode await(String what, ThrowingSupplier read, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    JsonNode n = read.get();
    while (!done.test(n) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(300);
      n = read.get();
    }
    assertThat(done.test(n))
        .as(what + ": " + n.toPrettyString() + "\n" + serve.server.err())
        .isTrue();
    return n;
  }

  interface ThrowingSupplier {
    JsonNode get() throws Exception;
  }

  JsonNode sandbox(String id) throws Exception {
    return aws("codebuild", "batch-get-sandboxes", "--ids", id).at("/sandboxes/0");
  }

  JsonNode command(String sandbox, String id) throws Exception {
    return aws(
            "codebuild",
            "batch-get-command-executions",
            "--sandbox-id",
            sandbox,
            "--command-execution-ids",
            id)
        .at("/commandExecutions/0");
  }

  String submit(String sandbox, String command) throws Exception {
    JsonNode c =
        aws("codebuild", "start-command-execution", "--sandbox-id", sandbox, "--command", command)
            .path("commandExecution");
    assertThat(c.path("status").asText()).isEqualTo("SUBMITTED");
    return c.path("id").asText();
  }

  @Test
  void theCliRunsCommandsInASandboxOfTheProjectThenStopsIt() throws Exception {
    serve.createProject(
        "dbg",
        RecordJson.MAPPER
            .createObjectNode()
            .put("type", "NO_SOURCE")
            .put("buildspec", "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 1\n")
            .toString(),
        "{\"type\": \"LINUX_CONTAINER\", \"image\": \"busybox:latest\", \"computeType\":"
            + " \"BUILD_GENERAL1_SMALL\", \"environmentVariables\": [{\"name\": \"STAGE\","
            + " \"value\": \"dev\"}]}");
    JsonNode started = aws("codebuild", "start-sandbox", "--project-name", "dbg").path("sandbox");
    String id = started.path("id").asText();
    assertThat(started.path("status").asText()).isIn("QUEUED", "PREPARING");
    String session = started.at("/currentSession/id").asText();

    // submitted before the sandbox is ready: they wait, then run in order in one shell
    String first = submit(id, "cd /tmp && export GREETING=hello");
    String second = submit(id, "echo \"$GREETING $STAGE from $(pwd)\"; echo oops >&2; exit 3");
    JsonNode failed = await("the second command", () -> command(id, second), c -> c.has("endTime"));
    assertThat(command(id, first).path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(command(id, first).path("exitCode").asText()).isEqualTo("0");
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    assertThat(failed.path("exitCode").asText()).isEqualTo("3");
    assertThat(failed.path("standardOutputContent").asText()).isEqualTo("hello dev from /tmp\n");
    assertThat(failed.path("standardErrContent").asText()).isEqualTo("oops\n");

    JsonNode running = sandbox(id);
    assertThat(running.path("status").asText()).isEqualTo("RUNNING");
    assertThat(running.at("/currentSession/currentPhase").asText()).isEqualTo("RUN_SANDBOX");
    List<String> phases = new ArrayList<>();
    running.at("/currentSession/phases").forEach(p -> phases.add(p.path("phaseType").asText()));
    assertThat(phases)
        .containsExactly("SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "RUN_SANDBOX");
    assertThat(aws("codebuild", "list-sandboxes").path("ids").get(0).asText()).isEqualTo(id);
    assertThat(aws("codebuild", "list-sandboxes-for-project", "--project-name", "dbg").path("ids"))
        .hasSize(1);
    JsonNode listed =
        aws(
            "codebuild",
            "list-command-executions-for-sandbox",
            "--sandbox-id",
            id,
            "--sort-order",
            "ASCENDING");
    assertThat(listed.path("commandExecutions"))
        .extracting(c -> c.path("id").asText())
        .containsExactly(first, second);

    // the session's log reads like a build's
    String logs =
        aws(
                "logs",
                "get-log-events",
                "--log-group-name",
                "/aws/codebuild/dbg",
                "--log-stream-name",
                session.substring(session.indexOf(':') + 1))
            .path("events")
            .toString();
    assertThat(logs)
        .contains("Running command cd /tmp && export GREETING=hello")
        .contains("hello dev from /tmp")
        .contains("Command did not exit successfully");

    // stopping it ends the command that runs, and the container goes
    String sleeping = submit(id, "sleep 300");
    await(
        "the sleep to start",
        () -> command(id, sleeping),
        c -> c.path("status").asText().equals("IN_PROGRESS"));
    JsonNode stopping = aws("codebuild", "stop-sandbox", "--id", id).path("sandbox");
    assertThat(stopping.path("status").asText()).isIn("STOPPING", "STOPPED");
    JsonNode stopped = await("the sandbox to stop", () -> sandbox(id), s -> s.has("endTime"));
    assertThat(stopped.path("status").asText()).isEqualTo("STOPPED");
    assertThat(stopped.at("/currentSession/status").asText()).isEqualTo("STOPPED");
    assertThat(command(id, sleeping).path("status").asText()).isEqualTo("STOPPED");
    try (DockerClient docker = DockerClients.create()) {
      assertThat(
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(Labels.BUILD, session))
                  .exec())
          .isEmpty();
    }
    ServeProcess.Cli late =
        cli("codebuild", "start-command-execution", "--sandbox-id", id, "--command", "ls");
    assertThat(late.exit()).isNotZero();
    assertThat(late.err()).contains("InvalidInputException").contains("is STOPPED");
  }
}
