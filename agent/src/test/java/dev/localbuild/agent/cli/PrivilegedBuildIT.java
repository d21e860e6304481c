package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.docker.RegistryFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Privileged builds (-d) on the real engine: a Docker daemon inside the build, its layer cache,
 * --cache-from from a registry, the sidecar daemon for images without dockerd. The registry:2 is
 * the daemons' Docker Hub mirror (seeded with busybox) and the push target standing in for ECR.
 */
class PrivilegedBuildIT {
  static DockerClient docker;
  static RegistryFixture registry;
  @TempDir Path tmp;
  Path src;
  Path home;
  final List<String> projects = new ArrayList<>();

  @BeforeAll
  static void registry() throws Exception {
    docker = DockerClients.create();
    registry = new RegistryFixture(docker);
    registry.seed("busybox:latest", "busybox:latest");
  }

  @AfterAll
  static void close() throws IOException {
    registry.close();
    docker.close();
  }

  @BeforeEach
  void dirs() throws IOException {
    src = Files.createDirectories(tmp.resolve("app"));
    home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        src.resolve("Dockerfile"),
        """
        FROM busybox
        RUN echo built > /built
        COPY message.txt /message.txt
        CMD cat /built /message.txt
        """);
    Files.writeString(src.resolve("message.txt"), "hello from the inner daemon\n");
  }

  @AfterEach
  void nothingLeftBehind() {
    for (String p : projects) {
      assertThat(
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(Labels.PROJECT, p))
                  .exec())
          .as("containers of " + p)
          .isEmpty();
      var volumes =
          docker
              .listVolumesCmd()
              .withFilter("label", List.of(Labels.PROJECT + "=" + p))
              .exec()
              .getVolumes();
      if (volumes != null) {
        // only cache volumes (no owner label) may remain; remove them for the next test
        volumes.forEach(v -> {
          assertThat(v.getLabels()).doesNotContainKey(Labels.OWNER);
          docker.removeVolumeCmd(v.getName()).exec();
        });
      }
    }
    assertThat(docker.listVolumesCmd().withFilter("dangling", List.of("true")).exec().getVolumes())
        .as("anonymous volumes of removed build containers")
        .noneMatch(v -> v.getLabels() != null && v.getLabels().containsKey(Labels.OWNER));
  }

  LocalbuildProcess run(String project, String buildspec, String... args) throws IOException {
    projects.add(project);
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    List<String> all =
        new ArrayList<>(
            List.of(
                "run", "-d", "--project-name", project, "--registry-mirror", registry.mirrorUrl()));
    all.addAll(List.of(args));
    return LocalbuildProcess.start(src, home, all.toArray(String[]::new));
  }

  static final String BUILD_AND_RUN =
      """
      version: 0.2
      phases:
        build:
          commands:
            - docker build -t app .
            - docker run --rm app
      """;

  @Test
  void aPrivilegedBuildBuildsAndRunsAnImage() throws Exception {
    LocalbuildProcess p = run("dind-run", BUILD_AND_RUN);
    assertThat(p.waitFor()).as(p.err() + p.out()).isZero();
    assertThat(p.out()).contains("built", "hello from the inner daemon");
    assertThat(p.err()).contains("docker build: 0 of 4 steps from the layer cache");
  }

  @Test
  void theLocalLayerCacheIsReusedByTheNextBuild() throws Exception {
    LocalbuildProcess first = run("dind-layers", BUILD_AND_RUN, "--local-cache", "docker");
    assertThat(first.waitFor()).as(first.err() + first.out()).isZero();
    assertThat(first.err()).contains("0 of 4 steps from the layer cache");
    LocalbuildProcess second = run("dind-layers", BUILD_AND_RUN, "--local-cache", "docker");
    assertThat(second.waitFor()).as(second.err() + second.out()).isZero();
    assertThat(second.out()).contains("---> Using cache");
    assertThat(second.err()).contains("3 of 4 steps from the layer cache");
    assertThat(docker.inspectVolumeCmd("localbuild-dlc-dind-layers-1").exec().getLabels())
        .containsEntry("dev.localbuild.cache", "docker-layer");
  }

  @Test
  void cacheFromGivesAFreshDaemonTheLayersOfAPushedImage() throws Exception {
    String repo = registry.bridgeAddress() + "/app";
    LocalbuildProcess push =
        run(
            "dind-push",
            """
            version: 0.2
            phases:
              build:
                commands:
                  - docker build -t $REPO:latest .
                  - docker push $REPO:latest
            """,
            "--env",
            "REPO=" + repo);
    assertThat(push.waitFor()).as(push.err() + push.out()).isZero();
    assertThat(registry.has("app", "latest")).isTrue();

    LocalbuildProcess pull =
        run(
            "dind-cache-from",
            """
            version: 0.2
            phases:
              build:
                commands:
                  - docker build --cache-from $REPO:latest -t $REPO:next .
            """,
            "--env",
            "REPO=" + repo,
            "--cache-from",
            repo + ":latest");
    assertThat(pull.waitFor()).as(pull.err() + pull.out()).isZero();
    assertThat(pull.out()).contains("Pulled " + repo + ":latest: ").contains("---> Using cache");
    assertThat(pull.err()).contains("3 of 4 steps from the layer cache");
  }

  @Test
  void registryCredentialsLogTheDaemonInWithoutPrintingThePassword() throws Exception {
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "dind-login", "environment": {"image": "localbuild/standard:latest", "privilegedMode": true,
          "environmentVariables": [{"name": "REG_USER", "value": "builder"}, {"name": "REG_PASSWORD", "value": "s3cret-Passw0rd"}]},
         "x-localbuild": {"registryCredentials": [{"registry": "%s", "usernameVariable": "REG_USER", "passwordVariable": "REG_PASSWORD"}]}}
        """
            .formatted(registry.bridgeAddress()));
    LocalbuildProcess p =
        run(
            "dind-login",
            """
            version: 0.2
            phases:
              build:
                commands:
                  - grep -c '"%s"' /root/.docker/config.json
            """
                .formatted(registry.bridgeAddress()),
            "--project",
            project.toString());
    assertThat(p.waitFor()).as(p.err() + p.out()).isZero();
    assertThat(p.out())
        .contains("Logged in to " + registry.bridgeAddress() + " as $REG_USER")
        .doesNotContain("s3cret-Passw0rd");
  }

  @Test
  void anImageWithoutDockerdGetsASidecarDaemon() throws Exception {
    LocalbuildProcess p =
        run(
            "dind-sidecar",
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "DOCKER_HOST=$DOCKER_HOST"
                  - wget -qO- http://127.0.0.1:2375/version | grep -o '"ApiVersion":"[0-9.]*"'
            """,
            "-i",
            "busybox:latest");
    assertThat(p.waitFor()).as(p.err() + p.out()).isZero();
    assertThat(p.out()).contains("DOCKER_HOST=tcp://127.0.0.1:2375", "\"ApiVersion\":\"1.");
  }
}
