package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.ExecutorContract;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The executor contract on a real Docker engine, plus what only containers do. */
class DockerExecutorIT extends ExecutorContract {
  static DockerClient docker;
  boolean mount;
  String image = TestImages.DEBIAN;

  @BeforeAll
  static void client() {
    docker = DockerClients.create();
  }

  @AfterAll
  static void close() throws IOException {
    docker.close();
  }

  @Override
  protected Provisioner provisioner(Path source, BuildspecSource buildspec) {
    return new DockerProvisioner(
        docker,
        new DockerProvisioner.Settings(
            image,
            source,
            SourceFiles.ALL,
            Map.of(),
            buildspec,
            mount,
            false,
            0,
            0,
            0,
            0,
            null,
            null,
            null,
            null,
            java.time.Duration.ofSeconds(60),
            tmp.resolve("state"),
            null),
        new StandardImage(docker),
        warm());
  }

  /** The warm containers builds take theirs from: none here, see {@link WarmDockerExecutorIT}. */
  protected WarmContainers warm() {
    return null;
  }

  @Override
  protected boolean runsAsRoot() {
    return true;
  }

  @AfterEach
  void noContainerLeftBehind() {
    assertThat(
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(Labels.PROJECT, "contract"))
                .exec())
        .as("build containers left behind")
        .isEmpty();
  }

  @Test
  void aTimeoutWhileProvisioningLeavesNothingBehind() throws IOException {
    // shorter than a container's creation and start: the timeout lands in PROVISIONING, and
    // what was made so far is removed (noContainerLeftBehind checks the engine after each test)
    timeout = Duration.ofMillis(300);
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: [sleep 60]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.TIMED_OUT);
    if (warm() == null) {
      // with a warm container ready there is little to provision: it may time out later
      assertThat(status(r, PhaseType.PROVISIONING)).isEqualTo(StatusType.TIMED_OUT);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 64 * 1024})
  void aSmallSourceThroughTheShellAndALargeOneThroughTheEngineArriveTheSame(int padding)
      throws IOException {
    // under SourcePipe.LIMIT the source goes in through the build's shell, over it through the
    // engine's archive API: modes, symlinks, nested paths and names with spaces arrive either way
    write("bin/run me.sh", "#!/bin/sh\necho ran\n");
    Files.setPosixFilePermissions(
        src.resolve("bin/run me.sh"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("bin/run me.sh"));
    byte[] pad = new byte[padding];
    new java.util.Random(7).nextBytes(pad);
    Files.write(src.resolve("pad.bin"), pad);
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - "./link"
                  - stat -c '%a %U' "bin/run me.sh"
                  - readlink link
                  - wc -c < pad.bin
            """);
    assertThat(r.buildStatus()).as(log.toString()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(log.stream().map(l -> l.text().strip()).toList())
        .contains("ran", "750 root", "bin/run me.sh", String.valueOf(padding));
  }

  @Test
  void usesCodeBuildsLayoutAndIgnoresTheImageEntrypoint() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "$CODEBUILD_SRC_DIR" | grep -Eq '^/codebuild/output/src[0-9]+/src$' && echo layout-ok
                  - test -f "$CODEBUILD_SRC_DIR/buildspec.yml" && echo source-copied
                  - cat /codebuild/output/tmp/script.sh | sed -n 4p
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output())
        .containsExactly(
            "layout-ok", "source-copied", "cat /codebuild/output/tmp/script.sh | sed -n 4p");
  }

  @Test
  void copiedSourceIsNotChangedButAMountedOneIs() throws IOException {
    build(
        """
        version: 0.2
        phases:
          build:
            commands: [echo changed > written.txt]
        """);
    assertThat(src.resolve("written.txt")).doesNotExist();
    mount = true;
    build(
        """
        version: 0.2
        phases:
          build:
            commands: [echo changed > written.txt]
        """);
    assertThat(src.resolve("written.txt")).hasContent("changed");
  }

  @Test
  void aMissingImageIsTheUsersErrorInProvisioning() throws IOException {
    image = "localbuild-test/does-not-exist:never";
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: [echo]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(status(r, PhaseType.PROVISIONING)).isEqualTo(StatusType.FAILED);
    assertThat(r.phases())
        .extracting(p -> p.type())
        .containsExactly(
            PhaseType.SUBMITTED, PhaseType.QUEUED, PhaseType.PROVISIONING, PhaseType.COMPLETED);
  }

  @Test
  void runsAsTheRunAsUser() throws IOException {
    BuildRecord r =
        build(
            """
            version: 0.2
            run-as: nobody
            phases:
              install:
                run-as: root
                commands: ['echo "install as $(id -un) home=$HOME"', 'echo secret > /root/only-root']
              build:
                commands:
                  - 'echo "build as $(id -un) home=$HOME"'
                  - 'cat /root/only-root || echo denied'
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output())
        .contains("install as root home=/root", "build as nobody home=/nonexistent", "denied");
  }

  @Test
  void theDefaultShellIsShAndEnvShellBashSwitches() throws IOException {
    BuildRecord sh =
        build(
            """
            version: 0.2
            phases:
              build:
                commands: ['[[ 1 == 1 ]] && echo bash-syntax-works']
            """);
    assertThat(sh.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(log)
        .anySatisfy(l ->
            assertThat(l.text()).contains("/codebuild/output/tmp/script.sh: 4: [[: not found"));
    log.clear();
    BuildRecord bash =
        build(
            """
            version: 0.2
            env:
              shell: bash
            phases:
              build:
                commands: ['[[ 1 == 1 ]] && echo bash-syntax-works']
            """);
    assertThat(bash.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output()).containsExactly("bash-syntax-works");
  }

  @Test
  void runtimeVersionsSelectFromTheImagesManifest() throws IOException {
    image = "localbuild/standard:latest";
    BuildRecord ok =
        build(
            """
            version: 0.2
            phases:
              install:
                runtime-versions:
                  java: corretto17
                  nodejs: 18.x
              build:
                commands: ['echo "JAVA_HOME=$JAVA_HOME"']
            """);
    assertThat(ok.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(log)
        .anySatisfy(l ->
            assertThat(l.text())
                .isEqualTo(
                    "Selecting 'java' runtime version 'corretto17' based on manual selections..."));
    assertThat(output()).contains("JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64");
    log.clear();
    BuildRecord unknown =
        build(
            """
            version: 0.2
            phases:
              install:
                runtime-versions:
                  docker: 20
            """);
    assertThat(status(unknown, PhaseType.DOWNLOAD_SOURCE)).isEqualTo(StatusType.FAILED);
    assertThat(
            unknown.phases().stream()
                .filter(p -> p.type() == PhaseType.DOWNLOAD_SOURCE)
                .findFirst()
                .orElseThrow()
                .contexts()
                .getFirst())
        .isEqualTo(
            new dev.localbuild.runtime.model.PhaseContext(
                "YAML_FILE_ERROR",
                "Unknown runtime named 'docker'. This build image has the following runtimes: java, nodejs, python"));
  }

  @Test
  void imagesWithoutAManifestSkipRuntimeSelection() throws IOException {
    image = TestImages.BUSYBOX;
    BuildRecord r =
        build(
            """
            version: 0.2
            phases:
              install:
                runtime-versions:
                  python: 3.11
              build:
                commands: [echo ok]
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(log)
        .anySatisfy(l ->
            assertThat(l.text())
                .isEqualTo(
                    "Skipping install of runtimes. Runtime version selection is not supported by this build image."));
  }

  @Test
  void stdoutAndStderrAreBothInTheLog() throws IOException {
    build(
        """
        version: 0.2
        phases:
          build:
            commands: ["echo out; echo err >&2"]
        """);
    assertThat(output()).containsExactlyInAnyOrder("out", "err");
  }

  /** Names the images the tests use: local stand-ins built by shared/env/docker-up. */
  static final class TestImages {
    static final String DEBIAN = "debian:bookworm";
    static final String BUSYBOX = "busybox:latest";
    static final List<String> ALL = List.of(DEBIAN, BUSYBOX);
  }
}
