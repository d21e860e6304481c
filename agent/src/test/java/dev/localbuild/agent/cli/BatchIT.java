package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --batch}: a build-graph with a failure whose dependants do not run and one whose
 * failure is ignored, a 2x2 matrix, and fast-fail stopping a build that would run for a minute.
 */
@Timeout(600)
class BatchIT {
  @TempDir Path tmp;

  LocalbuildProcess batch(String name, String buildspec, String... more) throws Exception {
    Path src = Files.createDirectories(tmp.resolve(name));
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    Files.writeString(
        src.resolve("broken.yml"),
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"broken $CODEBUILD_BATCH_BUILD_IDENTIFIER\"\n      - exit 4\n");
    Path home = Files.createDirectories(tmp.resolve("home-" + name));
    String[] args = new String[4 + more.length];
    args[0] = "run";
    args[1] = "-i";
    args[2] = "debian:bookworm";
    args[3] = "--batch";
    System.arraycopy(more, 0, args, 4, more.length);
    return LocalbuildProcess.start(src, home, args);
  }

  @Test
  void aGraphRunsWhatItsDependenciesAllowAndIgnoresWhatItIsToldTo() throws Exception {
    LocalbuildProcess p =
        batch(
            "graph",
            """
            version: 0.2
            batch:
              build-graph:
                - identifier: first
                  env:
                    variables:
                      WHAT: one
                - identifier: flaky
                  env:
                    variables:
                      WHAT: flaky
                  ignore-failure: true
                - identifier: second
                  depend-on: [first, flaky]
                  env:
                    variables:
                      WHAT: two
                - identifier: broken
                  buildspec: broken.yml
                  depend-on: [first]
                - identifier: after_broken
                  depend-on: [broken]
            phases:
              build:
                commands:
                  - echo "I am $CODEBUILD_BATCH_BUILD_IDENTIFIER with $WHAT"
                  - test "$WHAT" != flaky
            """);
    assertThat(p.waitFor(8)).as(p.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(p.out())
        .contains("[first] I am first with one")
        .contains("[flaky] I am flaky with flaky")
        .contains("[second] I am second with two")
        .contains("[broken] broken broken")
        .doesNotContain("[after_broken]");
    assertThat(p.err())
        .contains(
            "localbuild: batch of 5 builds, 2 at a time: first, flaky, second, broken, after_broken")
        .contains("localbuild: batch FAILED in")
        .containsPattern("  first +SUCCEEDED  graph:\\d+ in")
        .containsPattern("  flaky +FAILED .*\\(failure ignored\\)")
        .containsPattern("  second +SUCCEEDED")
        .containsPattern("  broken +FAILED .*BUILD FAILED: Error while executing command: exit 4")
        .containsPattern("  after_broken +- +not run: broken FAILED")
        .doesNotContain("has a batch section");
  }

  @Test
  void eachBuildGetsTheComputeTypeItsBatchGivesItAndTheirArtifactsCombine() throws Exception {
    Path out = tmp.resolve("out");
    LocalbuildProcess p =
        batch(
            "compute",
            """
            version: 0.2
            batch:
              build-list:
                - identifier: small
                - identifier: medium
                  env:
                    compute-type: BUILD_GENERAL1_MEDIUM
            phases:
              build:
                commands:
                  - echo "$CODEBUILD_BATCH_BUILD_IDENTIFIER memory $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
                  - echo "made by $CODEBUILD_BATCH_BUILD_IDENTIFIER" > made.txt
            artifacts:
              files: [made.txt]
            """,
            "--combine-artifacts",
            "-a",
            out.toString());
    assertThat(p.waitFor(8)).as(p.err()).isZero();
    // CodeBuild's 4 GiB and 8 GiB, as the containers' memory limits (cgroup v2 or v1)
    assertThat(p.out())
        .contains("[small] small memory " + (4L << 30))
        .contains("[medium] medium memory " + (8L << 30));
    // each build's artifact in its own directory, and all of them in one zip
    assertThat(out.resolve("small/artifacts.zip")).exists();
    assertThat(p.err())
        .contains(
            "localbuild: combined the batch's artifacts (2 files, each build's under its"
                + " identifier): "
                + out.resolve("artifacts.zip"));
    java.util.Map<String, String> entries = new java.util.TreeMap<>();
    try (var in =
        new java.util.zip.ZipInputStream(Files.newInputStream(out.resolve("artifacts.zip")))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), new String(in.readAllBytes()).strip());
      }
    }
    assertThat(entries)
        .containsExactly(
            java.util.Map.entry("medium/made.txt", "made by medium"),
            java.util.Map.entry("small/made.txt", "made by small"));
  }

  @Test
  void aMatrixRunsEveryCombination() throws Exception {
    LocalbuildProcess p =
        batch(
            "matrix",
            """
            version: 0.2
            batch:
              build-matrix:
                dynamic:
                  env:
                    image: [debian:bookworm, busybox:latest]
                    variables:
                      V: [a, b]
            phases:
              build:
                commands:
                  - echo "$CODEBUILD_BATCH_BUILD_IDENTIFIER V=$V on $(cat /etc/debian_version 2>/dev/null || echo busybox)"
            """);
    assertThat(p.waitFor(8)).as(p.err()).isZero();
    assertThat(p.out())
        .containsPattern("\\[build1\\] build1 V=a on \\d+")
        .containsPattern("\\[build2\\] build2 V=b on \\d+")
        .contains("[build3] build3 V=a on busybox")
        .contains("[build4] build4 V=b on busybox");
    assertThat(p.err()).contains("localbuild: batch SUCCEEDED in").contains("(4 builds)");
  }

  @Test
  void fastFailStopsTheOthers() throws Exception {
    LocalbuildProcess p =
        batch(
            "fast",
            """
            version: 0.2
            batch:
              fast-fail: true
              build-list:
                - identifier: slow
                  env:
                    variables:
                      SLEEP: "120"
                - identifier: quick_fail
                  buildspec: broken.yml
            phases:
              build:
                commands:
                  - echo "sleeping $SLEEP"
                  - sleep $SLEEP
            """);
    assertThat(p.waitFor(4)).as(p.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(p.err())
        .contains("quick_fail failed and the batch fails fast: stopping the others")
        .containsPattern("  slow +STOPPED")
        .containsPattern("  quick_fail +FAILED");
  }
}
