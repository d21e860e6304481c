package dev.localbuild.server.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.batch.BatchPlan;
import dev.localbuild.agent.batch.BatchProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a server batch does next, from its builds' statuses: the rules of {@code run --batch}. */
class BatchProgressTest {
  static BatchPlan.Child child(String id, boolean ignoreFailure, String... dependOn) {
    return new BatchPlan.Child(
        id, null, Map.of(), null, false, null, List.of(dependOn), ignoreFailure);
  }

  static final BatchPlan GRAPH =
      new BatchPlan(
          List.of(
              child("first", false),
              child("flaky", true),
              child("second", false, "first", "flaky"),
              child("broken", false, "first"),
              child("after_broken", false, "broken")),
          false);

  static dev.localbuild.server.store.BuildStore.Row row(
      String id, String identifier, String status, String nextAutoRetry) throws Exception {
    var mapper = dev.localbuild.agent.record.RecordJson.MAPPER;
    var record = mapper.createObjectNode();
    if (nextAutoRetry != null) {
      record.putObject("autoRetryConfig").put("nextAutoRetry", nextAutoRetry);
    }
    var request = mapper.createObjectNode();
    request.putObject(BuildService.BATCH).put("identifier", identifier);
    return new dev.localbuild.server.store.BuildStore.Row(id, "p", 1, status, record, request);
  }

  @Test
  void aBuildThatFailedIntoItsAutomaticRetryIsNotDoneUntilItsRetryIs() throws Exception {
    var request = dev.localbuild.agent.record.RecordJson.MAPPER.createObjectNode();
    var failedFirst = row("p:1", "first", "FAILED", "arn:aws:codebuild:r:a:build/p:2");
    assertThat(BatchService.current(request, List.of(failedFirst)))
        .containsEntry("first", "IN_PROGRESS");
    assertThat(
            BatchService.current(
                request, List.of(failedFirst, row("p:2", "first", "SUCCEEDED", null))))
        .containsEntry("first", "SUCCEEDED");
    assertThat(BatchService.current(request, List.of(row("p:3", "x", "FAILED", null))))
        .containsEntry("x", "FAILED");
  }

  @Test
  void aGraphStartsEachBuildOnceWhatItDependsOnHasLetItAndEndsFailedByAFailureNotIgnored() {
    BatchProgress p = BatchProgress.next(GRAPH, Map.of());
    assertThat(p.start()).containsExactly("first", "flaky");
    assertThat(p.status()).isNull();

    p = BatchProgress.next(GRAPH, Map.of("first", "SUCCEEDED", "flaky", "IN_PROGRESS"));
    assertThat(p.start()).containsExactly("broken"); // second also waits for flaky

    p = BatchProgress.next(GRAPH, Map.of("first", "SUCCEEDED", "flaky", "FAILED"));
    assertThat(p.start()).containsExactly("second", "broken"); // flaky's failure is ignored

    p =
        BatchProgress.next(
            GRAPH,
            Map.of(
                "first",
                "SUCCEEDED",
                "flaky",
                "FAILED",
                "second",
                "SUCCEEDED",
                "broken",
                "FAILED"));
    assertThat(p.start()).isEmpty();
    assertThat(p.notRun()).containsExactly(Map.entry("after_broken", "broken FAILED"));
    assertThat(p.status()).isEqualTo("FAILED");
  }

  @Test
  void failingFastStopsTheRunningAndStartsNothingMore() {
    BatchPlan list =
        new BatchPlan(List.of(child("a", false), child("b", false), child("c", false, "a")), true);
    BatchProgress p = BatchProgress.next(list, Map.of("a", "FAILED", "b", "IN_PROGRESS"));
    assertThat(p.stopOthers()).isTrue();
    assertThat(p.start()).isEmpty();
    assertThat(p.notRun()).containsExactly(Map.entry("c", "the batch failed fast"));
    assertThat(p.status()).isNull(); // b is still stopping

    p = BatchProgress.next(list, Map.of("a", "FAILED", "b", "STOPPED"));
    assertThat(p.stopOthers()).isFalse();
    assertThat(p.status()).isEqualTo("FAILED");
  }

  @Test
  void aBatchWhoseBuildsSucceededSucceedsAndAnUnknownDependencyIsSaid() {
    BatchPlan list = new BatchPlan(List.of(child("a", false), child("b", true)), false);
    assertThat(BatchProgress.next(list, Map.of("a", "SUCCEEDED", "b", "FAILED")).status())
        .isEqualTo("SUCCEEDED");
    BatchPlan odd = new BatchPlan(List.of(child("a", false, "nope")), false);
    BatchProgress p = BatchProgress.next(odd, Map.of());
    assertThat(p.notRun())
        .containsExactly(Map.entry("a", "it depends on nope, which the batch does not have"));
    assertThat(p.status()).isEqualTo("FAILED");
  }
}
