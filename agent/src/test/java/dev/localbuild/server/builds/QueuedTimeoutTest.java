package dev.localbuild.server.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.TestLaunchers;
import dev.localbuild.server.api.ApiShapes;
import dev.localbuild.server.api.ServiceModel;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queuedTimeoutInMinutes}: a build that waits longer than its project's (or its override's)
 * queued timeout ends TIMED_OUT in QUEUED, without running. No Docker: no slot is ever free, and
 * the sweep is called with the time it would see.
 */
class QueuedTimeoutTest {
  @TempDir Path data;
  Database db;
  BuildLauncher launcher;
  BuildStore builds;
  Stores stores;
  BuildService service;

  static final String PROJECT =
      """
      {"name": "web", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2"},
       "artifacts": {"type": "NO_ARTIFACTS"},
       "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm",
                       "computeType": "BUILD_GENERAL1_SMALL"},
       "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build", "queuedTimeoutInMinutes": 30}
      """;

  @BeforeEach
  void service() throws Exception {
    db = Database.open(data, null);
    stores = Stores.of(db);
    builds = stores.builds();
    launcher = TestLaunchers.docker(data);
    service = new BuildService(launcher, stores, 0, "eu-west-1", "000000000000", m -> {});
  }

  @AfterEach
  void close() throws Exception {
    service.close();
    launcher.close();
    db.close();
  }

  ObjectNode start(String request) throws Exception {
    return service.start(
        "web", json(PROJECT), json(request), "arn:aws:iam::000000000000:user/test");
  }

  @Test
  void aBuildThatWaitsPastItsQueuedTimeoutIsTimedOutInQueued() throws Exception {
    Instant before = Instant.now();
    ObjectNode shortOne = start("{\"queuedTimeoutInMinutesOverride\": 5}");
    ObjectNode projects = start("{}");
    assertThat(shortOne.path("queuedTimeoutInMinutes").asInt()).isEqualTo(5);
    assertThat(projects.path("queuedTimeoutInMinutes").asInt()).isEqualTo(30);

    assertThat(service.timeOutQueued(before.plus(Duration.ofMinutes(4)))).isEmpty();
    assertThat(service.timeOutQueued(before.plus(Duration.ofMinutes(6))))
        .containsExactly(shortOne.path("id").asText());

    JsonNode timedOut = builds.get(shortOne.path("id").asText()).orElseThrow().record();
    assertThat(timedOut.path("buildStatus").asText()).isEqualTo("TIMED_OUT");
    assertThat(timedOut.path("buildComplete").asBoolean()).isTrue();
    assertThat(timedOut.path("currentPhase").asText()).isEqualTo("COMPLETED");
    assertThat(timedOut.path("phases").findValuesAsText("phaseType"))
        .containsExactly("SUBMITTED", "QUEUED", "COMPLETED");
    JsonNode queued = timedOut.path("phases").get(1);
    assertThat(queued.path("phaseStatus").asText()).isEqualTo("TIMED_OUT");
    assertThat(queued.path("contexts").get(0).path("message").asText())
        .isEqualTo("Build timed out in the queue after 5 minutes");
    assertThat(
            ServiceModel.botocore("codebuild", "2016-10-06")
                .checkOutput(
                    "BatchGetBuilds",
                    ApiShapes.wire(
                        RecordJson.MAPPER
                            .createObjectNode()
                            .set("builds", RecordJson.MAPPER.createArrayNode().add(timedOut)))))
        .isEmpty();

    // the other one waits on, until the project's 30 minutes
    assertThat(builds.get(projects.path("id").asText()).orElseThrow().status()).isEqualTo("QUEUED");
    assertThat(service.timeOutQueued(before.plus(Duration.ofMinutes(31))))
        .containsExactly(projects.path("id").asText());
    assertThat(service.timeOutQueued(before.plus(Duration.ofMinutes(600)))).isEmpty();
  }

  @Test
  void aQueuedTimeoutOverrideOutsideCodeBuildsRangeIsRefused() {
    for (String bad : List.of("4", "481", "\"soon\"")) {
      assertThatThrownBy(() -> start("{\"queuedTimeoutInMinutesOverride\": " + bad + "}"))
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("at 'queuedTimeoutInMinutesOverride' failed to satisfy constraint")
          .hasMessageContaining("between 5 and 480");
    }
  }

  static <T extends JsonNode> T json(String text) throws Exception {
    @SuppressWarnings("unchecked")
    T t = (T) RecordJson.MAPPER.readTree(text);
    return t;
  }

  @Test
  void aWebhooksForkBuildIsOrderedUntrustedAndAStartBuildIsNot() throws Exception {
    ObjectNode project = (ObjectNode) RecordJson.MAPPER.readTree(PROJECT);
    ObjectNode fork = RecordJson.MAPPER.createObjectNode().put(BuildService.UNTRUSTED, true);
    assertThat(service.order(project, fork, "GitHub-Hookshot/1").host().untrusted()).isTrue();
    assertThat(
            service
                .order(project, RecordJson.MAPPER.createObjectNode(), "AKIATEST")
                .host()
                .untrusted())
        .isFalse();
  }
}
