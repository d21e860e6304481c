package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker executor's whole contract again, with the server's warm containers: builds take a
 * started container when one is ready, and behave exactly as with a fresh one. Then what is
 * particular to them: the next build gets the warm one, a dead warm container is not used, and none
 * is left when the pool closes.
 */
class WarmDockerExecutorIT extends DockerExecutorIT {
  static WarmContainers pool;

  @BeforeAll
  static void pool() {
    pool = new WarmContainers(docker);
  }

  @AfterAll
  static void noWarmContainerLeft() {
    pool.close();
    assertThat(warmContainers()).as("warm containers after close").isEmpty();
  }

  @Override
  protected WarmContainers warm() {
    return pool;
  }

  static List<Container> warmContainers() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(Labels.ROLE, "warm", Labels.OWNER, Labels.owner()))
        .exec();
  }

  /** The warm container made for the next build of this image, once it is there. */
  Container awaitWarm() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      List<Container> ready =
          warmContainers().stream()
              .filter(c -> "running".equals(c.getState()) && image.equals(c.getImage()))
              .toList();
      if (ready.size() == 1) {
        return ready.getFirst();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("no warm container of " + image + " was made: " + warmContainers());
  }

  @Test
  void theNextBuildRunsInTheWarmContainerWithItsOwnSource() throws Exception {
    String buildspec =
        """
        version: 0.2
        phases:
          build:
            commands:
              - hostname
              - cat "$CODEBUILD_SRC_DIR/note.txt"
              - ls /codebuild/output | grep -c '^src'
        """;
    write("note.txt", "first");
    assertThat(build(buildspec).buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    Container warm = awaitWarm();

    log.clear();
    write("note.txt", "second");
    BuildRecord second = build(buildspec);
    assertThat(second.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    // a container's hostname is its id: the build ran in the container that was warm, with this
    // build's source and only its own source directory
    assertThat(output()).containsExactly(warm.getId().substring(0, 12), "second", "1");
    assertThat(warmContainers()).extracting(Container::getId).doesNotContain(warm.getId());

    // a warm container that died is not used: the build starts cold and is the same
    Container next = awaitWarm();
    docker.killContainerCmd(next.getId()).exec();
    log.clear();
    BuildRecord third = build(buildspec);
    assertThat(third.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(output()).hasSize(3).doesNotContain(next.getId().substring(0, 12));
    assertThat(output().get(1)).isEqualTo("second");
  }

  @Test
  void aBuildWithNothingToCopyGetsTheWarmContainersEmptySourceDirectory() throws Exception {
    // NO_SOURCE, or a source fetched in DOWNLOAD_SOURCE: nothing is copied into a warm container
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Provisioner nothing = provisioner(empty, BuildspecSource.inline("version: 0.2"));
    try (Sandbox first = nothing.provision(identity(), line -> {}, line -> {})) {
      assertThat(
              first.shell().capture("sh", "cd " + first.sourceDir() + " && ls -A | wc -l").strip())
          .isEqualTo("0");
    }
    String warm = awaitWarm().getId();
    try (Sandbox second = nothing.provision(identity(), line -> {}, line -> {})) {
      String out =
          second
              .shell()
              .capture(
                  "sh",
                  "hostname; cd "
                      + second.sourceDir()
                      + " && ls -A | wc -l; ls -ld /codebuild/output/tmp | cut -c1-10");
      assertThat(out.lines().toList()).containsExactly(warm.substring(0, 12), "0", "drwxrwxrwt");
    }
  }

  static BuildIdentity identity() {
    return new BuildIdentity(
        "contract", UUID.randomUUID(), 1, "us-east-1", "000000000000", Instant.now(), "it");
  }
}
