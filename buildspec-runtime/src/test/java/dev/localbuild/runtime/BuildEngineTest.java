package dev.localbuild.runtime;

import static dev.localbuild.runtime.EngineHarness.statuses;
import static dev.localbuild.runtime.model.PhaseType.BUILD;
import static dev.localbuild.runtime.model.PhaseType.COMPLETED;
import static dev.localbuild.runtime.model.PhaseType.DOWNLOAD_SOURCE;
import static dev.localbuild.runtime.model.PhaseType.FINALIZING;
import static dev.localbuild.runtime.model.PhaseType.INSTALL;
import static dev.localbuild.runtime.model.PhaseType.POST_BUILD;
import static dev.localbuild.runtime.model.PhaseType.PRE_BUILD;
import static dev.localbuild.runtime.model.PhaseType.PROVISIONING;
import static dev.localbuild.runtime.model.PhaseType.QUEUED;
import static dev.localbuild.runtime.model.PhaseType.SUBMITTED;
import static dev.localbuild.runtime.model.PhaseType.UPLOAD_ARTIFACTS;
import static dev.localbuild.runtime.model.StatusType.FAILED;
import static dev.localbuild.runtime.model.StatusType.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.StatusType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole builds through the engine on a local shell: phases, transitions, logs and records. */
class BuildEngineTest {
  @TempDir Path tmp;
  EngineHarness h;

  @BeforeEach
  void harness() throws Exception {
    h = new EngineHarness(tmp);
  }

  @Test
  void aSuccessfulBuildGoesThroughEveryPhase() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo hello
            """);
    assertThat(r.buildStatus()).isEqualTo(SUCCEEDED);
    assertThat(r.phases())
        .extracting(PhaseRecord::type)
        .containsExactly(
            SUBMITTED,
            QUEUED,
            PROVISIONING,
            DOWNLOAD_SOURCE,
            INSTALL,
            PRE_BUILD,
            BUILD,
            POST_BUILD,
            UPLOAD_ARTIFACTS,
            FINALIZING,
            COMPLETED);
    assertThat(r.phases().getLast().status()).isNull();
    assertThat(r.buildComplete()).isTrue();
    assertThat(r.id()).startsWith("demo:");
    assertThat(r.arn()).isEqualTo("arn:aws:codebuild:eu-west-1:123456789012:build/" + r.id());
    assertThat(h.output()).containsExactly("hello");
  }

  @Test
  void logsTheLinesCodeBuildLogs() throws Exception {
    h.run(
        """
        version: 0.2
        phases:
          pre_build:
            commands:
              - echo one
          build:
            commands:
              - "false"
        """);
    assertThat(h.agentLines())
        .containsSubsequence(
            "Waiting for agent ping",
            "Waiting for DOWNLOAD_SOURCE",
            "Phase is DOWNLOAD_SOURCE",
            "CODEBUILD_SRC_DIR=" + h.src,
            "YAML location is " + h.src.resolve("buildspec.yml"),
            "Processing environment variables",
            "No runtime version selected in buildspec.",
            "Moving to directory " + h.src,
            "Cache is not defined in the buildspec",
            "Phases found in YAML: 2",
            " PRE_BUILD: 1 commands",
            " BUILD: 1 commands",
            "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED",
            "Phase context status code:  Message: ",
            "Entering phase INSTALL",
            "Phase complete: INSTALL State: SUCCEEDED",
            "Phase context status code:  Message: ",
            "Entering phase PRE_BUILD",
            "Running command echo one",
            "Phase complete: PRE_BUILD State: SUCCEEDED",
            "Entering phase BUILD",
            "Running command false",
            "Command did not exit successfully false exit status 1",
            "Phase complete: BUILD State: FAILED",
            "Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: false. Reason: exit status 1",
            "Entering phase POST_BUILD",
            "Phase complete: POST_BUILD State: SUCCEEDED");
    assertThat(h.agentLines()).doesNotContain("Entering phase UPLOAD_ARTIFACTS");
    assertThat(h.formatted())
        .containsPattern(
            "(?m)^\\[Container\\] \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} Entering phase BUILD$");
  }

  @Test
  void aFailedInstallSkipsToFinalizing() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              install:
                commands: [exit 2]
              build:
                commands: [echo never]
              post_build:
                commands: [echo never]
            """);
    assertThat(r.buildStatus()).isEqualTo(FAILED);
    assertThat(statuses(r))
        .containsExactly(
            entry(SUBMITTED, SUCCEEDED),
            entry(QUEUED, SUCCEEDED),
            entry(PROVISIONING, SUCCEEDED),
            entry(DOWNLOAD_SOURCE, SUCCEEDED),
            entry(INSTALL, FAILED),
            entry(FINALIZING, SUCCEEDED),
            entry(COMPLETED, null));
    assertThat(h.output()).doesNotContain("never");
  }

  @Test
  void aFailedPreBuildSkipsToFinalizing() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              pre_build:
                commands: ["false"]
              build:
                commands: [echo never]
            artifacts:
              files: ['**/*']
            """);
    assertThat(statuses(r))
        .containsKeys(PRE_BUILD)
        .doesNotContainKeys(BUILD, POST_BUILD, UPLOAD_ARTIFACTS);
    assertThat(h.artifacts).isEmpty();
  }

  @Test
  void aFailedBuildStillRunsPostBuildAndUploadsArtifacts() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo partial > out.txt
                  - exit 3
                  - echo skipped
              post_build:
                commands:
                  - echo "post sees $CODEBUILD_BUILD_SUCCEEDING"
            artifacts:
              files: [out.txt]
            """);
    assertThat(r.buildStatus()).isEqualTo(FAILED);
    assertThat(statuses(r))
        .contains(
            entry(BUILD, FAILED), entry(POST_BUILD, SUCCEEDED), entry(UPLOAD_ARTIFACTS, SUCCEEDED));
    assertThat(h.output()).containsExactly("post sees 0").doesNotContain("skipped");
    assertThat(h.artifacts).containsKey("artifacts");
    assertThat(
            r.phases().stream().filter(p -> p.type() == BUILD).findFirst().orElseThrow().contexts())
        .containsExactly(
            new PhaseContext(
                "COMMAND_EXECUTION_ERROR",
                "Error while executing command: exit 3. Reason: exit status 3"));
  }

  /** AWS's multi-source samples: {@code base-directory: $CODEBUILD_SRC_DIR_source1}. */
  @Test
  void artifactPathsExpandTheBuildsVariables() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            env:
              variables:
                OUT_DIR: dist
            phases:
              build:
                commands:
                  - mkdir -p dist/sub && echo x > dist/sub/app.txt
                  - export WHICH=app
            artifacts:
              base-directory: $OUT_DIR
              files: ['sub/${WHICH}.txt']
            """);
    assertThat(statuses(r)).contains(entry(UPLOAD_ARTIFACTS, SUCCEEDED));
    var zip =
        new java.util.zip.ZipInputStream(
            new java.io.ByteArrayInputStream(h.artifacts.get("artifacts")));
    assertThat(zip.getNextEntry().getName()).isEqualTo("sub/app.txt");
  }

  @Test
  void anArtifactThatCannotBeStoredFailsUploadArtifactsWithClientError() throws Exception {
    h.uploadFailure = "NoSuchBucket: The specified bucket does not exist";
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands: [touch out.txt]
            artifacts:
              files: [out.txt]
            """);
    assertThat(r.buildStatus()).isEqualTo(FAILED);
    assertThat(statuses(r)).contains(entry(BUILD, SUCCEEDED), entry(UPLOAD_ARTIFACTS, FAILED));
    assertThat(
            r.phases().stream()
                .filter(p -> p.type() == UPLOAD_ARTIFACTS)
                .findFirst()
                .orElseThrow()
                .contexts())
        .containsExactly(
            new PhaseContext(
                "CLIENT_ERROR",
                "Error uploading artifacts: NoSuchBucket: The specified bucket does not exist"));
    assertThat(r.artifacts()).isNull();
  }

  @Test
  void aFailedPostBuildStillUploadsArtifacts() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              post_build:
                commands: [touch out.txt, "false"]
            artifacts:
              files: [out.txt]
            """);
    assertThat(statuses(r)).contains(entry(POST_BUILD, FAILED), entry(UPLOAD_ARTIFACTS, SUCCEEDED));
    assertThat(r.buildStatus()).isEqualTo(FAILED);
  }

  @Test
  void finallyRunsAfterAFailureAndTheFirstFailureIsTheContext() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo a
                  - exit 5
                  - echo skipped
                finally:
                  - echo cleanup one
                  - exit 6
                  - echo cleanup skipped
            """);
    assertThat(h.output()).containsExactly("a", "cleanup one");
    assertThat(
            r.phases().stream()
                .filter(p -> p.type() == BUILD)
                .findFirst()
                .orElseThrow()
                .contexts()
                .getFirst()
                .message())
        .isEqualTo("Error while executing command: exit 5. Reason: exit status 5");
  }

  @Test
  void aFailingFinallyFailsAnOtherwiseGoodPhase() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands: [echo ok]
                finally: ["false"]
            """);
    assertThat(statuses(r)).contains(entry(BUILD, FAILED));
  }

  @Test
  void onFailureContinueGoesOnToTheNextPhase() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              install:
                on-failure: CONTINUE
                commands: ["false"]
              pre_build:
                commands: [echo "pre sees $CODEBUILD_BUILD_SUCCEEDING"]
            """);
    assertThat(statuses(r))
        .contains(entry(INSTALL, FAILED), entry(PRE_BUILD, SUCCEEDED), entry(BUILD, SUCCEEDED));
    assertThat(r.buildStatus()).isEqualTo(FAILED);
    assertThat(h.output()).containsExactly("pre sees 0");
  }

  @Test
  void onFailureAbortInBuildSkipsPostBuildAndArtifacts() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                on-failure: ABORT
                commands: [touch out.txt, "false"]
              post_build:
                commands: [echo never]
            artifacts:
              files: [out.txt]
            """);
    assertThat(statuses(r))
        .containsKeys(BUILD, FINALIZING)
        .doesNotContainKeys(POST_BUILD, UPLOAD_ARTIFACTS);
    assertThat(h.output()).doesNotContain("never");
  }

  @Test
  void onFailureRetryRunsTheBuildAgainAsANewBuild() throws Exception {
    h.file("count", "");
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                on-failure: RETRY-2
                commands:
                  - echo x >> count
                  - test $(wc -l < count) -ge 3
            """);
    assertThat(r.buildStatus()).isEqualTo(SUCCEEDED);
    assertThat(r.buildNumber()).isEqualTo(3);
    assertThat(r.autoRetry()).isNotNull();
    assertThat(r.autoRetry().autoRetryNumber()).isEqualTo(2);
    assertThat(r.autoRetry().previousAutoRetry()).isNotNull();
    long attempts = h.records.stream().map(BuildRecord::id).distinct().count();
    assertThat(attempts).isEqualTo(3);
    // an attempt that is retried is never seen complete without the retry it leads to: a batch
    // reading it then would take its failure for the build's end
    for (BuildRecord each : h.records) {
      if (each.buildComplete() && each.buildStatus() == FAILED) {
        assertThat(each.autoRetry()).as(each.id()).isNotNull();
        assertThat(each.autoRetry().nextAutoRetry()).as(each.id()).isNotNull();
      }
    }
  }

  @Test
  void onFailureRetryWithARegexOnlyRetriesMatchingFailures() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                on-failure: RETRY-3-.*exit status 42.*
                commands: [exit 7]
            """);
    assertThat(r.buildNumber()).isEqualTo(1);
    assertThat(r.buildStatus()).isEqualTo(FAILED);
    assertThat(statuses(r)).containsKey(POST_BUILD); // default transition when no retry is due
  }

  @Test
  void aBadBuildspecFailsDownloadSourceWithoutASandbox() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "Hello: world"
            """);
    assertThat(statuses(r))
        .containsExactly(
            entry(SUBMITTED, SUCCEEDED),
            entry(QUEUED, SUCCEEDED),
            entry(PROVISIONING, SUCCEEDED),
            entry(DOWNLOAD_SOURCE, FAILED),
            entry(FINALIZING, SUCCEEDED),
            entry(COMPLETED, null));
    assertThat(r.phases().get(3).contexts())
        .containsExactly(
            new PhaseContext(
                "YAML_FILE_ERROR",
                "Expected Commands[0] to be of string type: found subkeys instead at line 5, value of the key tag on line 4 might be empty"));
    assertThat(h.sandboxes).isEmpty();
  }

  @Test
  void unknownKeysAreTheWarningCodeBuildPrints() throws Exception {
    h.run(
        """
        version: 0.2
        phases:
          build:
            commands: [echo]
        artifacts:
          type: zip
          files: [buildspec.yml]
        """);
    assertThat(h.agentLines())
        .contains(
            "Found possible syntax errors in buildspec: \nIn the section artifacts\n"
                + "    The following keys cannot be identified:\n        type");
  }

  @Test
  void environmentPrecedenceIsOverridesThenProjectThenBuildspec() throws Exception {
    h.projectVariables = Map.of("B", "project", "C", "project", "CODEBUILD_BUILD_ID", "nope");
    h.overrides = Map.of("C", "override");
    h.run(
        """
        version: 0.2
        env:
          variables:
            A: buildspec
            B: buildspec
            C: buildspec
            LITERAL: $HOME/x
        phases:
          build:
            commands:
              - echo "$A $B $C $LITERAL"
              - case "$CODEBUILD_BUILD_ID" in demo:*) echo reserved kept;; esac
        """);
    assertThat(h.output()).containsExactly("buildspec project override $HOME/x", "reserved kept");
  }

  @Test
  void setsCodeBuildVariablesInTheirFormats() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "$CODEBUILD_BUILD_ID|$CODEBUILD_BUILD_NUMBER|$CODEBUILD_RESOLVED_SOURCE_VERSION|$CODEBUILD_SRC_DIR"
                  - echo "$CODEBUILD_BUILD_ARN|$CODEBUILD_PROJECT_ARN|$AWS_REGION|$AWS_DEFAULT_REGION|$CODEBUILD_INITIATOR"
                  - echo "$CODEBUILD_START_TIME" | grep -Eq '^[0-9]{13}$' && echo millis
                  - echo "$CODEBUILD_LOG_PATH|$CODEBUILD_BUILD_IMAGE|$CODEBUILD_KMS_KEY_ID"
            """);
    assertThat(h.output())
        .containsExactly(
            r.id() + "|1|0123456789abcdef0123456789abcdef01234567|" + h.src,
            r.arn()
                + "|arn:aws:codebuild:eu-west-1:123456789012:project/demo|eu-west-1|eu-west-1|tester",
            "millis",
            r.id().substring(5) + "|local-test|arn:aws:kms:eu-west-1:123456789012:alias/aws/s3");
  }

  @Test
  void exportedVariablesAreReportedWithTheirFinalValues() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            env:
              exported-variables: [IMAGE_TAG, UNSET, AWS_SECRET]
            phases:
              build:
                commands: [IMAGE_TAG=v1]
              post_build:
                commands: [IMAGE_TAG="$IMAGE_TAG-final"]
            """);
    assertThat(r.exportedEnvironmentVariables())
        .containsExactly(
            new BuildRecord.NameValue("IMAGE_TAG", "v1-final"),
            new BuildRecord.NameValue("UNSET", ""));
  }

  @Test
  void secretsAreResolvedAndMaskedInTheLog() throws Exception {
    h.parameters.put("/CodeBuild/token", "s3cr3t-value");
    h.secretValues.put("prod/db", "hunter2hunter2");
    h.run(
        """
        version: 0.2
        env:
          parameter-store:
            TOKEN: /CodeBuild/token
          secrets-manager:
            DB: prod/db:password
        phases:
          build:
            commands:
              - echo "token=$TOKEN db=$DB"
              - echo "$TOKEN" | tr -d '-'
        """);
    assertThat(h.output()).containsExactly("token=*** db=***", "s3cr3tvalue");
    assertThat(h.agentLines()).contains("Decrypting parameter store environment variables");
  }

  @Test
  void theCredentialsTheBuildIsServedAreMaskedToo() throws Exception {
    h.credentialValues.addAll(List.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"));
    h.run(
        """
        version: 0.2
        phases:
          build:
            commands:
              - echo "id AKIAIOSFODNN7EXAMPLE key wJalrXUtnFEMI/K7MDENG/bPxRfiCY"
        """);
    assertThat(h.output()).containsExactly("id *** key ***");
  }

  @Test
  void anUnresolvableParameterFailsDownloadSource() throws Exception {
    BuildRecord r =
        h.run(
            """
            version: 0.2
            env:
              parameter-store:
                TOKEN: /missing
            phases:
              build:
                commands: [echo never]
            """);
    assertThat(statuses(r)).contains(entry(DOWNLOAD_SOURCE, FAILED)).doesNotContainKey(INSTALL);
    assertThat(r.phases().get(3).contexts())
        .containsExactly(
            new PhaseContext("Decrypted Variables Error", "parameter does not exist: /missing"));
  }

  @Test
  void theTimeoutEndsTheBuildTimedOut() throws Exception {
    h.timeout = Duration.ofMillis(700);
    long start = System.nanoTime();
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands: [sleep 30]
              post_build:
                commands: [echo never]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.TIMED_OUT);
    assertThat(statuses(r))
        .contains(entry(BUILD, StatusType.TIMED_OUT), entry(FINALIZING, SUCCEEDED))
        .doesNotContainKey(POST_BUILD);
    assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(10);
  }

  @Test
  void stopEndsTheBuildStopped() throws Exception {
    Thread stopper =
        new Thread(() -> {
          try {
            while (h.engine == null || h.output().isEmpty()) {
              Thread.sleep(20);
            }
            h.engine.stop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    stopper.start();
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands: [echo started, sleep 30]
            """);
    stopper.join();
    assertThat(r.buildStatus()).isEqualTo(StatusType.STOPPED);
    assertThat(statuses(r)).contains(entry(BUILD, StatusType.STOPPED));
  }

  @Test
  void version01CommandsDoNotShareState() throws Exception {
    h.file("sub/marker", "");
    h.run(
        """
        version: 0.1
        phases:
          build:
            commands:
              - cd sub && X=1
              - pwd; echo "x=$X"
        """);
    assertThat(h.output()).containsExactly(h.src.toString(), "x=");
  }
}
