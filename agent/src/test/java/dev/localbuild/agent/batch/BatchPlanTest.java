package dev.localbuild.agent.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.buildspec.parse.BuildspecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  static BatchPlan plan(String batch) {
    return BatchPlan.of(
        BuildspecParser.parse(
                "version: 0.2\nbatch:\n" + batch + "phases:\n  build:\n    commands: [echo]\n",
                "buildspec.yml")
            .batch());
  }

  @Test
  void aMatrixIsEveryCombinationNamedInOrder() {
    BatchPlan p =
        plan(
            """
              build-matrix:
                static:
                  ignore-failure: true
                  env:
                    privileged-mode: true
                dynamic:
                  buildspec: [a.yml, b.yml]
                  env:
                    image: [img1, img2]
                    variables:
                      PY: ["3.11", "3.12"]
            """);
    assertThat(p.children()).hasSize(8);
    assertThat(p.children())
        .extracting(BatchPlan.Child::identifier)
        .containsExactly(
            "build1", "build2", "build3", "build4", "build5", "build6", "build7", "build8");
    BatchPlan.Child first = p.children().getFirst();
    assertThat(first.buildspec()).isEqualTo("a.yml");
    assertThat(first.image()).isEqualTo("img1");
    assertThat(first.variables()).isEqualTo(Map.of("PY", "3.11"));
    assertThat(first.privileged()).isTrue();
    assertThat(first.ignoreFailure()).isTrue();
    BatchPlan.Child last = p.children().getLast();
    assertThat(List.of(last.buildspec(), last.image(), last.variables().get("PY")))
        .containsExactly("b.yml", "img2", "3.12");
  }

  @Test
  void theLiveTableShowsEachBuildsStatePhaseAndWhatItWaitsFor() {
    BatchPlan p =
        plan(
            """
              build-graph:
                - identifier: first
                - identifier: second
                  depend-on: [first]
                - identifier: other
                - identifier: last
                - identifier: next
            """);
    var running =
        dev.localbuild.agent.record.BuildHistoryTest.record(
            dev.localbuild.runtime.model.StatusType.IN_PROGRESS,
            dev.localbuild.runtime.model.PhaseType.BUILD,
            List.of());
    List<String> rows =
        BatchRun.rows(
            p,
            Map.of("first", running),
            Map.of("other", "FAILED      3.0 s"),
            java.util.Set.of("second", "last"),
            java.time.Instant.EPOCH.plusSeconds(12));
    assertThat(rows)
        .containsExactly(
            "  first      IN_PROGRESS BUILD 12.0 s",
            "  second     waiting for first",
            "  other      FAILED      3.0 s",
            "  last       waiting",
            "  next       starting");
  }

  @Test
  void theProjectsRestrictionsRefuseTooManyBuildsOrAComputeTypeTheyDoNotList() {
    BatchPlan p =
        plan(
            """
              build-list:
                - identifier: small
                - identifier: big
                  env:
                    compute-type: BUILD_GENERAL1_LARGE
            """);
    var none =
        new dev.localbuild.agent.project.ProjectConfig.BatchConfig(true, null, null, List.of());
    assertThat(p.refusedBy(null, "BUILD_GENERAL1_SMALL")).isEmpty();
    assertThat(p.refusedBy(none, "BUILD_GENERAL1_SMALL")).isEmpty();
    var one = new dev.localbuild.agent.project.ProjectConfig.BatchConfig(false, null, 1, List.of());
    assertThat(p.refusedBy(one, "BUILD_GENERAL1_SMALL"))
        .hasValue(
            "the batch has 2 builds, more than the project's"
                + " buildBatchConfig.restrictions.maximumBuildsAllowed (1)");
    var smallOnly =
        new dev.localbuild.agent.project.ProjectConfig.BatchConfig(
            false, null, 5, List.of("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM"));
    assertThat(p.refusedBy(smallOnly, "BUILD_GENERAL1_SMALL"))
        .hasValue(
            "build big would run on BUILD_GENERAL1_LARGE, which the project's"
                + " buildBatchConfig.restrictions.computeTypesAllowed (BUILD_GENERAL1_SMALL,"
                + " BUILD_GENERAL1_MEDIUM) does not allow");
    // a build without its own compute type runs on the project's
    assertThat(p.refusedBy(smallOnly, "BUILD_GENERAL1_2XLARGE").orElseThrow())
        .startsWith("build small would run on BUILD_GENERAL1_2XLARGE");
  }

  @Test
  void combinedArtifactsHoldEachBuildsUnderItsIdentifier(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    zip(dir.resolve("linux/artifacts.zip"), Map.of("app.bin", "L", "docs/readme", "R"));
    zip(dir.resolve("linux/reports.zip"), Map.of("junit.xml", "<x/>"));
    zip(dir.resolve("mac/artifacts.zip"), Map.of("app.bin", "M"));
    Map<String, Path> builds = new java.util.LinkedHashMap<>();
    builds.put("linux", dir.resolve("linux"));
    builds.put("mac", dir.resolve("mac"));
    builds.put("skipped", dir.resolve("nothing-here"));
    var combined =
        CombinedArtifacts.combine(builds, dir.resolve("out/artifacts.zip")).orElseThrow();
    assertThat(combined.files()).isEqualTo(4);
    Map<String, String> entries = new java.util.LinkedHashMap<>();
    try (var in =
        new java.util.zip.ZipInputStream(java.nio.file.Files.newInputStream(combined.zip()))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), new String(in.readAllBytes()));
      }
    }
    assertThat(entries)
        .containsExactly(
            Map.entry("linux/app.bin", "L"),
            Map.entry("linux/docs/readme", "R"),
            Map.entry("linux/reports/junit.xml", "<x/>"),
            Map.entry("mac/app.bin", "M"));
    byte[] bytes = java.nio.file.Files.readAllBytes(combined.zip());
    assertThat(combined.sha256())
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(CombinedArtifacts.combine(Map.of("x", dir.resolve("none")), dir.resolve("e/a.zip")))
        .isEmpty();
    assertThat(dir.resolve("e/a.zip")).doesNotExist();
  }

  static void zip(Path file, Map<String, String> files) throws Exception {
    java.nio.file.Files.createDirectories(file.getParent());
    try (var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(file))) {
      for (var e : new java.util.TreeMap<>(files).entrySet()) {
        out.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        out.write(e.getValue().getBytes());
        out.closeEntry();
      }
    }
  }

  @Test
  void aGraphKeepsItsTasksDependenciesAndFanoutMakesCopies() {
    BatchPlan g =
        plan(
            """
              fast-fail: true
              build-graph:
                - identifier: a
                - identifier: b
                  depend-on: [a]
                  ignore-failure: true
                  env:
                    image: other
                    variables:
                      X: "1"
            """);
    assertThat(g.fastFail()).isTrue();
    assertThat(g.children().get(1).dependOn()).containsExactly("a");
    assertThat(g.children().get(1).ignoreFailure()).isTrue();
    assertThat(g.children().get(1).image()).isEqualTo("other");
    BatchPlan f = plan("  build-fanout:\n    parallelism: 3\n");
    assertThat(f.children())
        .extracting(BatchPlan.Child::identifier)
        .containsExactly("build1", "build2", "build3");
  }

  @Test
  void aBuildOfTheBatchIsTheBatchsOrderWithItsOwnSettings() {
    BuildOrder base =
        new BuildOrder(
            null,
            "app",
            Path.of("/src"),
            Map.of(),
            null,
            null,
            List.of(new dev.localbuild.agent.project.ProjectConfig.Variable("A", "1", "PLAINTEXT")),
            "base-image",
            null,
            Duration.ofMinutes(5),
            null,
            Path.of("/out"),
            null,
            "us-east-1",
            "me",
            BuildOrder.Host.NONE);
    BatchPlan.Child c =
        new BatchPlan.Child(
            "b2", "b.yml", Map.of("X", "2"), null, true, "BUILD_GENERAL1_MEDIUM", List.of(), false);
    BuildOrder o = BatchRun.order(base, c);
    assertThat(o.buildspecOverride()).isEqualTo("b.yml");
    assertThat(o.imageOverride()).isEqualTo("base-image");
    assertThat(o.privilegedModeOverride()).isTrue();
    assertThat(o.environmentVariablesOverride())
        .extracting(v -> v.name() + "=" + v.value())
        .containsExactly("A=1", "X=2");
    assertThat(o.artifactsDirectory()).isEqualTo(Path.of("/out/b2"));
    assertThat(o.reportsDirectory()).isNull();
    assertThat(o.host().batchIdentifier()).isEqualTo("b2");
    assertThat(o.host().batchComputeType()).isEqualTo("BUILD_GENERAL1_MEDIUM");
  }

  /** A one-command buildspec in a directory of its own, as a batch build's order of it. */
  static BuildOrder inBatch(Path dir, String computeType) throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("buildspec.yml"), "version: 0.2\nphases:\n  build:\n    commands: [echo]\n");
    return new BuildOrder(
        null,
        null,
        dir,
        Map.of(),
        null,
        null,
        List.of(),
        "busybox:latest",
        null,
        null,
        null,
        null,
        null,
        "us-east-1",
        "me",
        BuildOrder.Host.NONE.inBatch("big", computeType));
  }

  @Test
  void aBatchBuildRunsOnTheComputeTypeTheBatchGivesIt(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    var resolver = new dev.localbuild.agent.build.OrderResolver(dir.resolve("state"), n -> {});
    assertThat(resolver.resolve(inBatch(dir, "BUILD_GENERAL1_LARGE")).request().computeType())
        .isEqualTo("BUILD_GENERAL1_LARGE");
    assertThat(resolver.resolve(inBatch(dir, null)).request().computeType())
        .isEqualTo("BUILD_GENERAL1_SMALL");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> resolver.resolve(inBatch(dir, "BUILD_GENERAL9_HUGE")))
        .isInstanceOf(dev.localbuild.agent.build.OrderException.class)
        .hasMessageContaining(
            "build big: compute-type BUILD_GENERAL9_HUGE is not one of CodeBuild's")
        .hasMessageContaining("BUILD_GENERAL1_SMALL");
  }
}
