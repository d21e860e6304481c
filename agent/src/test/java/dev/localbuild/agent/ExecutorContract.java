package dev.localbuild.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.output.DirectoryArtifactStore;
import dev.localbuild.agent.output.DirectoryReportStore;
import dev.localbuild.runtime.BuildCache;
import dev.localbuild.runtime.BuildEngine;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.BuildServices;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.SecretResolver;
import dev.localbuild.runtime.SourceInfo;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.Provisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every executor must do the same way: CodeBuild's shell semantics, variables, artifacts and
 * reports, timeouts, container deaths. Run once per executor (as docker-java's TCK runs per
 * transport).
 */
public abstract class ExecutorContract {
  @TempDir protected Path tmp;
  protected Path src;
  protected final List<LogLine> log = new CopyOnWriteArrayList<>();
  protected Duration timeout = Duration.ofMinutes(2);
  protected DirectoryReportStore reports;
  final AtomicLong numbers = new AtomicLong(1);

  /** The executor under test, for this source and buildspec. */
  protected abstract Provisioner provisioner(Path source, BuildspecSource buildspec);

  /**
   * The directory commands start in (CODEBUILD_SRC_DIR) for this executor, given the build record.
   */
  protected abstract boolean runsAsRoot();

  @BeforeEach
  void source() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
  }

  protected void write(String rel, String content) throws IOException {
    Path p = src.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  protected BuildRecord build(String buildspec) throws IOException {
    write("buildspec.yml", buildspec);
    BuildspecSource bs = BuildspecSource.file(src.resolve("buildspec.yml"), "buildspec.yml");
    reports = new DirectoryReportStore(tmp.resolve("reports"));
    BuildRequest request =
        new BuildRequest(
            "contract",
            bs,
            new SourceInfo(null, "LOCAL", src.toString(), null, null, null),
            List.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            timeout,
            false,
            "BUILD_GENERAL1_SMALL",
            null);
    BuildServices services =
        new BuildServices(
            provisioner(src, bs),
            new DirectoryArtifactStore(tmp.resolve("artifacts")),
            reports,
            SecretResolver.unavailable("none"),
            BuildCache.NONE,
            dev.localbuild.runtime.BuildHooks.NONE,
            log::add,
            r -> {},
            Clock.systemUTC());
    BuildEngine engine = new BuildEngine(services);
    try {
      return engine.run(
          request,
          new BuildIdentity(
              "contract",
              UUID.randomUUID(),
              numbers.getAndIncrement(),
              "us-east-1",
              "000000000000",
              Instant.now(),
              "it"),
          numbers::getAndIncrement);
    } finally {
      engine.close();
    }
  }

  protected List<String> output() {
    return log.stream()
        .filter(l -> l.source() != LogLine.Source.AGENT && !l.text().isEmpty())
        .map(LogLine::text)
        .toList();
  }

  protected static StatusType status(BuildRecord r, PhaseType t) {
    return r.phases().stream()
        .filter(p -> p.type() == t)
        .map(PhaseRecord::status)
        .findFirst()
        .orElse(null);
  }

  @Test
  void runsCommandsWithCodeBuildsShellSemantics() throws IOException {
    write("sub/file.txt", "x");
    BuildRecord r =
        build(
            """
            version: 0.2
            env:
              variables:
                LITERAL: $HOME/not-expanded
            phases:
              install:
                commands:
                  - cd sub
                  - COUNT=1
                  - export EXPORTED=yes
              pre_build:
                commands:
                  - echo "dir=$(basename $(pwd)) count=$COUNT exported=$EXPORTED literal=$LITERAL"
                  - nohup sh -c 'sleep 1; echo background-done > /tmp/bg-$CODEBUILD_BUILD_NUMBER' >/dev/null 2>&1 &
              build:
                commands:
                  - |
                    for i in 1 2; do
                      echo "line $i"
                    done
                  - sleep 2; cat /tmp/bg-$CODEBUILD_BUILD_NUMBER
                  - test "$(id -u)" = "$(id -u)" && echo "shell=$(ps -o comm= -p $$ 2>/dev/null || echo sh)"
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output())
        .containsSubsequence(
            "dir=sub count=1 exported=yes literal=$HOME/not-expanded",
            "line 1",
            "line 2",
            "background-done");
  }

  @Test
  void followsThePhaseDiagramOnFailure() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: [echo built > out.txt, exit 7]
              post_build:
                commands: ["echo post succeeding=$CODEBUILD_BUILD_SUCCEEDING"]
            artifacts:
              files: [out.txt]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(status(r, PhaseType.BUILD)).isEqualTo(StatusType.FAILED);
    assertThat(status(r, PhaseType.POST_BUILD)).isEqualTo(StatusType.SUCCEEDED);
    assertThat(status(r, PhaseType.UPLOAD_ARTIFACTS)).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output()).contains("post succeeding=0");
  }

  @Test
  void writesArtifactsAndSecondaryArtifacts() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - mkdir -p dist/css docs && echo app > dist/app.js && echo css > dist/css/a.css && echo doc > docs/index.md
                  - ln -s app.js dist/latest.js
            artifacts:
              base-directory: dist
              files: ['**/*']
              secondary-artifacts:
                docs:
                  files: [docs/index.md]
                  discard-paths: yes
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    try (ZipFile zip = new ZipFile(tmp.resolve("artifacts/artifacts.zip").toFile());
        ZipFile docs = new ZipFile(tmp.resolve("artifacts/docs.zip").toFile())) {
      assertThat(zip.stream().map(e -> e.getName()).toList())
          .containsExactlyInAnyOrder("app.js", "css/a.css", "latest.js");
      assertThat(new String(zip.getInputStream(zip.getEntry("latest.js")).readAllBytes()))
          .isEqualTo("app\n");
      assertThat(docs.stream().map(e -> e.getName()).toList()).containsExactly("index.md");
    }
    assertThat(r.artifacts().sha256sum()).hasSize(64);
    assertThat(r.secondaryArtifacts())
        .extracting(BuildRecord.Artifact::artifactIdentifier)
        .containsExactly("docs");
  }

  @Test
  void noMatchingArtifactsIsAClientError() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: [echo]
            artifacts:
              files: [missing/*.jar]
            """);
    assertThat(status(r, PhaseType.UPLOAD_ARTIFACTS)).isEqualTo(StatusType.FAILED);
    assertThat(
            r.phases().stream()
                .filter(p -> p.type() == PhaseType.UPLOAD_ARTIFACTS)
                .findFirst()
                .orElseThrow()
                .contexts()
                .getFirst())
        .satisfies(c -> {
          assertThat(c.statusCode()).isEqualTo("CLIENT_ERROR");
          assertThat(c.message()).isEqualTo("no matching artifact paths found");
        });
    assertThat(tmp.resolve("artifacts/artifacts.zip")).doesNotExist();
  }

  @Test
  void collectsJunitReports() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - mkdir -p reports
                  - printf '<testsuite name="s"><testcase classname="c" name="ok"/><testcase classname="c" name="bad"><failure message="boom"/></testcase></testsuite>' > reports/TEST-s.xml
            reports:
              unit:
                files: ['**/*.xml']
                base-directory: reports
            """);
    assertThat(r.reportArns()).hasSize(1);
    assertThat(reports.reports())
        .singleElement()
        .satisfies(rep -> {
          assertThat(rep.status()).isEqualTo("FAILED");
          assertThat(rep.testSummary().total()).isEqualTo(2);
        });
    assertThat(tmp.resolve("reports/unit.json")).exists();
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED); // reports never fail a build
  }

  @Test
  void timesOut() throws IOException {
    // long enough to reach BUILD in a JVM that has loaded nothing yet, on a busy machine
    timeout = Duration.ofSeconds(6);
    long start = System.nanoTime();
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: [sleep 60]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.TIMED_OUT);
    assertThat(status(r, PhaseType.BUILD)).isEqualTo(StatusType.TIMED_OUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aKilledShellFailsThePhaseWithAnExplanation() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: ["kill -9 $PPID; sleep 5"]
            """);
    assertThat(status(r, PhaseType.BUILD)).isEqualTo(StatusType.FAILED);
    assertThat(
            r.phases().stream()
                .filter(p -> p.type() == PhaseType.BUILD)
                .findFirst()
                .orElseThrow()
                .contexts()
                .getFirst()
                .message())
        .startsWith("Build container found dead before completing the build.");
  }

  @Test
  void runsAsRootWithHomeRootInContainers() throws IOException {
    build(
        """
        version: 0.2
        phases:
          build:
            commands: ['echo "uid=$(id -u) home=$HOME"']
        """);
    if (runsAsRoot()) {
      assertThat(output()).contains("uid=0 home=/root");
    } else {
      assertThat(output()).anySatisfy(l -> assertThat(l).startsWith("uid="));
    }
  }
}
