package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batch builds on {@code localbuild serve}, driven by Debian's AWS CLI: start-build-batch,
 * batch-get-build-batches, stop-build-batch and retry-build-batch, with the batch's builds run as
 * the server's builds.
 */
@Timeout(600)
class ServeBatchIT {
  @RegisterExtension final ServeFixture serve = new ServeFixture();

  ServeProcess.Cli aws(String... args) throws Exception {
    return serve.aws(args);
  }

  void project(String name, String buildspec) throws Exception {
    serve.createProject(
        name,
        RecordJson.MAPPER
            .createObjectNode()
            .put("type", "NO_SOURCE")
            .put("buildspec", buildspec)
            .toString(),
        "{\"type\": \"LINUX_CONTAINER\", \"image\": \"busybox:latest\", \"computeType\":"
            + " \"BUILD_GENERAL1_SMALL\"}");
    aws(
        "codebuild",
        "update-project",
        "--name",
        name,
        "--build-batch-config",
        "serviceRole=arn:aws:iam::000000000000:role/batch");
  }

  JsonNode batch(String id) throws Exception {
    return aws("codebuild", "batch-get-build-batches", "--ids", id).json().at("/buildBatches/0");
  }

  JsonNode awaitBatch(String id, java.util.function.Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    JsonNode b = batch(id);
    while (!done.test(b) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(500);
      b = batch(id);
    }
    assertThat(done.test(b)).as(b.toPrettyString() + "\n" + serve.server.err()).isTrue();
    return b;
  }

  /** Each group's identifier and its current build's status. */
  static Map<String, String> groups(JsonNode batch) {
    Map<String, String> out = new HashMap<>();
    batch
        .path("buildGroups")
        .forEach(g ->
            out.put(
                g.path("identifier").asText(),
                g.at("/currentBuildSummary/buildStatus").asText("-")));
    return out;
  }

  List<String> log(String buildArn) throws Exception {
    String id = buildArn.substring(buildArn.indexOf(":build/") + 7);
    ServeProcess.Cli c =
        aws(
            "logs",
            "get-log-events",
            "--log-group-name",
            "/aws/codebuild/" + id.substring(0, id.indexOf(':')),
            "--log-stream-name",
            id.substring(id.indexOf(':') + 1));
    List<String> lines = new ArrayList<>();
    c.json().path("events").forEach(e -> lines.add(e.path("message").asText()));
    return lines;
  }

  @Test
  void aGraphRunsOnTheServerWithItsIdentifiersAndAnIgnoredFailure() throws Exception {
    project(
        "graph",
        """
        version: 0.2
        batch:
          build-graph:
            - identifier: first
            - identifier: flaky
              ignore-failure: true
              env:
                variables:
                  FAIL: "yes"
            - identifier: second
              depend-on: [first, flaky]
            - identifier: last
              depend-on: [second]
        phases:
          build:
            commands:
              - echo "I am $CODEBUILD_BATCH_BUILD_IDENTIFIER" | tee who.txt
              - test "$FAIL" != yes
        artifacts:
          files: [who.txt]
        """);
    JsonNode started =
        aws(
                "codebuild",
                "start-build-batch",
                "--project-name",
                "graph",
                "--build-batch-config-override",
                "serviceRole=arn:aws:iam::000000000000:role/batch,combineArtifacts=true")
            .json()
            .path("buildBatch");
    String id = started.path("id").asText();
    JsonNode b = awaitBatch(id, x -> x.path("complete").asBoolean());
    assertThat(b.path("buildBatchStatus").asText()).as(b.toPrettyString()).isEqualTo("SUCCEEDED");
    assertThat(groups(b))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "first",
                "SUCCEEDED",
                "flaky",
                "FAILED",
                "second",
                "SUCCEEDED",
                "last",
                "SUCCEEDED"));
    assertThat(b.path("phases"))
        .extracting(p -> p.path("phaseType").asText())
        .containsExactly(
            "SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "COMBINE_ARTIFACTS", "SUCCEEDED");
    // combineArtifacts: one zip, each build's artifact under its identifier
    Path combined = Path.of(java.net.URI.create(b.at("/artifacts/location").asText()));
    Map<String, String> entries = new HashMap<>();
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(combined))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), new String(in.readAllBytes()).strip());
      }
    }
    assertThat(entries)
        .containsEntry("first/who.txt", "I am first")
        .containsEntry("second/who.txt", "I am second")
        .containsEntry("last/who.txt", "I am last");
    assertThat(b.at("/artifacts/sha256sum").asText()).hasSize(64);
    for (JsonNode g : b.path("buildGroups")) {
      assertThat(log(g.at("/currentBuildSummary/arn").asText()))
          .contains("I am " + g.path("identifier").asText());
    }
    // the batch's builds are builds like any: listed, each naming its batch
    String first = b.at("/buildGroups/0/currentBuildSummary/arn").asText();
    JsonNode build = aws("codebuild", "batch-get-builds", "--ids", first).json().at("/builds/0");
    assertThat(build.path("buildBatchArn").asText()).isEqualTo(b.path("arn").asText());
    assertThat(
            aws("codebuild", "list-build-batches-for-project", "--project-name", "graph")
                .json()
                .path("ids"))
        .extracting(JsonNode::asText)
        .containsExactly(id);
  }

  @Test
  void fastFailStopsTheOthersAndARetryRunsTheFailedBuildsAgain() throws Exception {
    project(
        "fast",
        """
        version: 0.2
        batch:
          fast-fail: true
          build-list:
            - identifier: quick
              env:
                variables:
                  FAIL: "yes"
            - identifier: slow
              env:
                variables:
                  SLEEP: "300"
        phases:
          build:
            commands:
              - sleep ${SLEEP:-1}
              - test "$FAIL" != yes
        """);
    String id =
        aws("codebuild", "start-build-batch", "--project-name", "fast")
            .json()
            .at("/buildBatch/id")
            .asText();
    JsonNode b = awaitBatch(id, x -> x.path("complete").asBoolean());
    assertThat(b.path("buildBatchStatus").asText()).as(b.toPrettyString()).isEqualTo("FAILED");
    assertThat(groups(b)).containsEntry("quick", "FAILED").containsEntry("slow", "STOPPED");

    // RETRY_FAILED_BUILDS: both ended other than SUCCEEDED, both run again; the first runs stay
    JsonNode retried =
        aws("codebuild", "retry-build-batch", "--id", id, "--retry-type", "RETRY_FAILED_BUILDS")
            .json()
            .path("buildBatch");
    assertThat(retried.path("buildBatchStatus").asText()).isEqualTo("IN_PROGRESS");
    b = awaitBatch(id, x -> x.path("complete").asBoolean());
    assertThat(b.path("buildBatchStatus").asText()).isEqualTo("FAILED");
    for (JsonNode g : b.path("buildGroups")) {
      assertThat(g.path("priorBuildSummaryList")).as(g.toPrettyString()).hasSize(1);
    }

    // stop-build-batch of a batch that runs: it and its builds stop
    String again =
        aws(
                "codebuild",
                "start-build-batch",
                "--project-name",
                "fast",
                "--environment-variables-override",
                "name=SLEEP,value=300")
            .json()
            .at("/buildBatch/id")
            .asText();
    awaitBatch(again, x -> groups(x).values().stream().anyMatch("IN_PROGRESS"::equals));
    JsonNode stopped =
        aws("codebuild", "stop-build-batch", "--id", again).json().path("buildBatch");
    assertThat(stopped.path("buildBatchStatus").asText()).isEqualTo("STOPPED");
    JsonNode done =
        awaitBatch(again, x -> groups(x).values().stream().noneMatch(s -> s.equals("IN_PROGRESS")));
    assertThat(groups(done).values()).allMatch(s -> s.equals("STOPPED") || s.equals("-"));
  }
}
