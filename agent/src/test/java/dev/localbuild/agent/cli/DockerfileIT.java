package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level Dockerfile, built as its comment says, runs {@code serve} against the host's engine
 * through the mounted socket: a key from {@code docker exec ... serve keys create}, then the AWS
 * CLI creates a project and runs a build in a sibling container.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DockerfileIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  final String tag = "localbuild-dockerfile-it:" + UUID.randomUUID().toString().substring(0, 8);
  final String name = "localbuild-dockerfile-it-" + UUID.randomUUID().toString().substring(0, 8);
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  Result run(Map<String, String> env, String... cmd) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s", List.of(cmd)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  Result ok(Map<String, String> env, String... cmd) throws Exception {
    Result r = run(env, cmd);
    assertThat(r.exit()).as("%s%n%s%n%s", List.of(cmd), r.out(), r.err()).isZero();
    return r;
  }

  /**
   * The server stops as `docker stop` stops it (SIGTERM to the JVM, its PID 1), removing the warm
   * container it keeps on the host's engine: a sibling nobody else would reap, as its owner label
   * names this container's host name.
   */
  @AfterEach
  void remove() throws Exception {
    String host =
        run(Map.of(), "docker", "inspect", "-f", "{{.Config.Hostname}}", name).out().strip();
    run(Map.of(), "docker", "stop", "-t", "60", name);
    run(Map.of(), "docker", "rm", "-f", "-v", name);
    run(Map.of(), "docker", "rmi", tag);
    if (!host.isEmpty()) {
      assertThat(owners(host))
          .as("containers the server in the image left on the host's engine")
          .isEmpty();
    }
  }

  /** The owner labels of containers that a server in a container of this host name made. */
  List<String> owners(String host) throws Exception {
    return ok(
            Map.of(),
            "docker",
            "ps",
            "-a",
            "--filter",
            "label=dev.localbuild.owner",
            "--format",
            "{{.Label \"dev.localbuild.owner\"}}")
        .out()
        .lines()
        .filter(o -> o.startsWith(host + "/1@"))
        .toList();
  }

  @Test
  void theImageServesCodeBuildsApiAndRunsBuildsOnTheHostsEngine() throws Exception {
    ok(Map.of(), "bin/image-runtime");
    // the classic builder takes debian:bookworm from the engine's images (no registry is
    // reachable here), where BuildKit would ask Docker Hub for it
    ok(Map.of("DOCKER_BUILDKIT", "0"), "docker", "build", "-q", "-t", tag, ".");
    ok(
        Map.of(),
        "docker",
        "run",
        "-d",
        "--name",
        name,
        "--label",
        "dev.localbuild.role=test-image",
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock",
        "-p",
        "127.0.0.1::4591",
        tag);
    String logs = "";
    for (int i = 0; i < 600 && !logs.contains("serving CodeBuild's API"); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      logs = run(Map.of(), "docker", "logs", name).err();
    }
    assertThat(logs).contains("serving CodeBuild's API on http://0.0.0.0:4591");
    String port =
        ok(Map.of(), "docker", "port", name, "4591").out().lines().findFirst().orElseThrow();
    String endpoint = "http://127.0.0.1:" + port.substring(port.lastIndexOf(':') + 1);
    JsonNode key =
        RecordJson.MAPPER.readTree(
            ok(Map.of(), "docker", "exec", name, "localbuild", "serve", "keys", "create").out());
    Map<String, String> env =
        Map.of(
            "AWS_ACCESS_KEY_ID", key.path("accessKeyId").asText(),
            "AWS_SECRET_ACCESS_KEY", key.path("secretAccessKey").asText(),
            "AWS_DEFAULT_REGION", "us-east-1",
            "AWS_CONFIG_FILE", "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    ok(
        env,
        aws(
            endpoint,
            "codebuild",
            "create-project",
            "--name",
            "image",
            "--source",
            "{\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\\nphases:\\n  build:\\n"
                + "    commands:\\n      - echo hello from a build of the image\\n\"}",
            "--artifacts",
            "type=NO_ARTIFACTS",
            "--environment",
            "type=LINUX_CONTAINER,image=debian:bookworm,computeType=BUILD_GENERAL1_SMALL",
            "--service-role",
            "localbuild-build"));
    String id =
        RecordJson.MAPPER
            .readTree(
                ok(env, aws(endpoint, "codebuild", "start-build", "--project-name", "image")).out())
            .path("build")
            .path("id")
            .asText();
    JsonNode build = null;
    for (int i = 0; i < 600; i++) {
      build =
          RecordJson.MAPPER
              .readTree(ok(env, aws(endpoint, "codebuild", "batch-get-builds", "--ids", id)).out())
              .path("builds")
              .get(0);
      if (build.path("buildComplete").asBoolean()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    assertThat(build.path("buildStatus").asText()).as("%s", build).isEqualTo("SUCCEEDED");
    String events =
        ok(
                env,
                aws(
                    endpoint,
                    "logs",
                    "get-log-events",
                    "--log-group-name",
                    build.path("logs").path("groupName").asText(),
                    "--log-stream-name",
                    build.path("logs").path("streamName").asText(),
                    "--start-from-head"))
            .out();
    assertThat(events).contains("hello from a build of the image");

    // killed and started again, the server is pid 1 on the same host name: it tells its
    // predecessor's warm container from its own by the start time, and removes it
    String host =
        run(Map.of(), "docker", "inspect", "-f", "{{.Config.Hostname}}", name).out().strip();
    List<String> before = owners(host);
    for (int i = 0; i < 600 && before.isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      before = owners(host);
    }
    assertThat(before).as("the warm container kept after the build").isNotEmpty();
    ok(Map.of(), "docker", "kill", name);
    assertThat(owners(host)).as("what a killed server leaves").containsAll(before);
    ok(Map.of(), "docker", "start", name);
    List<String> left = owners(host);
    for (int i = 0; i < 600 && left.stream().anyMatch(before::contains); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      left = owners(host);
    }
    assertThat(left)
        .as("the killed server's containers after the restart")
        .doesNotContainAnyElementsOf(before);
  }

  static String[] aws(String endpoint, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(ServeProcess.AWS, "--endpoint-url", endpoint, "--output", "json"));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }
}
