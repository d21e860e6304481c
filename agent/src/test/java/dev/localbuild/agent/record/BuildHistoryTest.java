package dev.localbuild.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class BuildHistoryTest {
  @TempDir Path state;

  /** A record of build p:7, for tests elsewhere too. */
  public static BuildRecord record(StatusType status, PhaseType current, List<PhaseRecord> phases) {
    return new BuildRecord(
        "p:abc",
        "arn:aws:codebuild:us-east-1:000000000000:build/p:abc",
        7,
        "p",
        Instant.EPOCH,
        status == StatusType.IN_PROGRESS ? null : Instant.EPOCH,
        current,
        status,
        null,
        "deadbeef",
        phases,
        new BuildRecord.Source("LOCAL", "/src", "buildspec.yml", null, null),
        List.of(),
        new BuildRecord.Environment(
            "LINUX_CONTAINER", "img", "BUILD_GENERAL1_SMALL", false, List.of(), "docker"),
        60,
        "me",
        null,
        List.of(),
        List.of(new BuildRecord.NameValue("TAG", "v1")),
        List.of(),
        null,
        dev.localbuild.runtime.model.BuildSettings.NONE,
        null,
        "img@sha256:" + "0".repeat(64),
        null);
  }

  @Test
  void buildCountersIncrementPerProject() {
    BuildNumbers n = new BuildNumbers(state);
    assertThat(n.next("a")).isEqualTo(1);
    assertThat(n.next("a")).isEqualTo(2);
    assertThat(n.next("b")).isEqualTo(1);
    assertThat(new BuildNumbers(state).next("a")).isEqualTo(3);
  }

  @Test
  void aBuildLeftRunningByADeadAgentBecomesFault() throws Exception {
    BuildHistory h = new BuildHistory(state);
    PhaseRecord running =
        new PhaseRecord(PhaseType.BUILD, StatusType.IN_PROGRESS, Instant.EPOCH, null, List.of());
    h.save(record(StatusType.IN_PROGRESS, PhaseType.BUILD, List.of(running)));
    // pretend the agent that wrote the marker has gone
    Path marker = state.resolve("running/abc.json");
    ObjectNode m = (ObjectNode) RecordJson.MAPPER.readTree(marker.toFile());
    m.put("pid", deadPid());
    Files.write(marker, RecordJson.MAPPER.writeValueAsBytes(m));

    assertThat(h.recoverAbandoned()).containsExactly("p:abc");
    JsonNode r = RecordJson.MAPPER.readTree(h.recordFile("p", 7).toFile());
    assertThat(r.path("buildStatus").asText()).isEqualTo("FAULT");
    assertThat(r.path("buildComplete").asBoolean()).isTrue();
    assertThat(r.path("phases").get(0).path("phaseStatus").asText()).isEqualTo("FAULT");
    assertThat(r.path("phases").get(1).path("phaseType").asText()).isEqualTo("COMPLETED");
    assertThat(marker).doesNotExist();
  }

  @Test
  void agentsRacingForAbandonedBuildsRecordEachExactlyOnce() throws Exception {
    BuildHistory h = new BuildHistory(state);
    for (int i = 0; i < 20; i++) {
      PhaseRecord running =
          new PhaseRecord(PhaseType.BUILD, StatusType.IN_PROGRESS, Instant.EPOCH, null, List.of());
      BuildRecord r = record(StatusType.IN_PROGRESS, PhaseType.BUILD, List.of(running));
      h.save(
          new BuildRecord(
              "p:b" + i,
              r.arn() + i,
              i + 100,
              r.projectName(),
              r.startTime(),
              r.endTime(),
              r.currentPhase(),
              r.buildStatus(),
              r.sourceVersion(),
              r.resolvedSourceVersion(),
              r.phases(),
              r.source(),
              r.secondarySources(),
              r.environment(),
              r.timeoutInMinutes(),
              r.initiator(),
              r.artifacts(),
              r.secondaryArtifacts(),
              r.exportedEnvironmentVariables(),
              r.reportArns(),
              r.autoRetry(),
              r.settings(),
              r.sourceDirty(),
              r.imageDigest(),
              r.cacheHit()));
      Path marker = state.resolve("running/b" + i + ".json");
      ObjectNode m = (ObjectNode) RecordJson.MAPPER.readTree(marker.toFile());
      m.put("pid", deadPid());
      Files.write(marker, RecordJson.MAPPER.writeValueAsBytes(m));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var results = new java.util.ArrayList<java.util.concurrent.Future<List<String>>>();
      for (int agent = 0; agent < 4; agent++) {
        results.add(pool.submit(() -> new BuildHistory(state).recoverAbandoned()));
      }
      List<String> all = new java.util.ArrayList<>();
      for (var f : results) {
        all.addAll(f.get()); // none throws
      }
      assertThat(all).hasSize(20).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
    assertThat(state.resolve("running")).isEmptyDirectory();
  }

  /** Killed between two phases: no phase was running, and the reason is still told. */
  @Test
  void aBuildLeftBetweenPhasesIsFaultWithItsReason() throws Exception {
    var r =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            RecordJson.MAPPER.readTree(
                "{\"phases\": [{\"phaseType\": \"BUILD\", \"phaseStatus\": \"SUCCEEDED\"}]}");
    BuildHistory.fault(r, "The localbuild server stopped before the build finished");
    assertThat(r.path("buildStatus").asText()).isEqualTo("FAULT");
    var phases = r.path("phases");
    assertThat(phases.get(1).path("phaseType").asText()).isEqualTo("FINALIZING");
    assertThat(phases.get(1).path("phaseStatus").asText()).isEqualTo("FAULT");
    assertThat(phases.get(1).path("contexts").get(0).path("message").asText())
        .isEqualTo("The localbuild server stopped before the build finished");
    assertThat(phases.get(2).path("phaseType").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void aLiveAgentsBuildIsLeftAlone() {
    BuildHistory h = new BuildHistory(state);
    h.save(record(StatusType.IN_PROGRESS, PhaseType.BUILD, List.of()));
    assertThat(h.recoverAbandoned()).isEmpty();
    h.save(record(StatusType.SUCCEEDED, PhaseType.COMPLETED, List.of()));
    assertThat(state.resolve("running/abc.json")).doesNotExist();
  }

  @Test
  void recordJsonHasCodeBuildsShape() {
    PhaseRecord failed =
        PhaseRecord.ended(
            PhaseType.BUILD,
            Instant.parse("2026-01-28T20:46:49.460550Z"),
            Instant.parse("2026-01-28T20:46:51.9Z"),
            new dev.localbuild.runtime.model.PhaseOutcome.Failed(
                PhaseContext.commandFailed("make", 2)));
    JsonNode j = RecordJson.build(record(StatusType.FAILED, PhaseType.COMPLETED, List.of(failed)));
    assertThat(j.path("id").asText()).isEqualTo("p:abc");
    assertThat(j.path("buildNumber").asLong()).isEqualTo(7);
    assertThat(j.path("resolvedSourceVersion").asText()).isEqualTo("deadbeef");
    assertThat(j.has("sourceVersion")).isFalse();
    assertThat(j.path("imageDigest").asText()).isEqualTo("img@sha256:" + "0".repeat(64));
    JsonNode p = j.path("phases").get(0);
    assertThat(p.path("phaseType").asText()).isEqualTo("BUILD");
    assertThat(p.path("phaseStatus").asText()).isEqualTo("FAILED");
    assertThat(p.path("startTime").asText()).isEqualTo("2026-01-28T20:46:49.460550+00:00");
    assertThat(p.path("durationInSeconds").asLong()).isEqualTo(2);
    assertThat(p.path("contexts").get(0).path("statusCode").asText())
        .isEqualTo("COMMAND_EXECUTION_ERROR");
    assertThat(j.path("exportedEnvironmentVariables").get(0).path("value").asText())
        .isEqualTo("v1");
    assertThat(j.path("environment").path("computeType").asText())
        .isEqualTo("BUILD_GENERAL1_SMALL");
    assertThat(j.path("buildComplete").asBoolean()).isTrue();
  }

  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
