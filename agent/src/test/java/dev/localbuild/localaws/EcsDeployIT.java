package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.AwsTarget;
import dev.localbuild.agent.aws.EcsDeployer;
import dev.localbuild.agent.aws.ImageDefinitions.ImageDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy step against the local ECS through the AWS SDK: a deploy that succeeds, one whose
 * tasks fail their health check, one the circuit breaker rolls back, one that times out. Each
 * failure is reported with ECS's reason, as soon as ECS knows it.
 */
class EcsDeployIT {
  @TempDir static Path tmp;
  static LocalAwsFixture aws;
  static AwsClients clients;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    aws = new LocalAwsFixture(tmp.resolve("aws"));
    var d = aws.docker();
    d.tagImageCmd("busybox:latest", "localbuild-test/app", "v1").exec();
    d.tagImageCmd("busybox:latest", "localbuild-test/app", "v2").exec();
    image("localbuild-test/crash:1", "FROM busybox:latest\nENTRYPOINT [\"false\"]\n");
    // an app that cannot start: it says why on stdout and stderr, then exits 3
    image(
        LOUD,
        "FROM busybox:latest\n"
            + "RUN printf '#!/bin/sh\\necho starting app\\n"
            + "echo Error: DATABASE_URL is not set >&2\\nexit 3\\n' > /crash.sh"
            + " && chmod +x /crash.sh\n"
            + "ENTRYPOINT [\"/crash.sh\"]\n");
    clients =
        new AwsClients(
            AwsTarget.local(
                aws.server().port(),
                aws.server().gateway(),
                "us-east-1",
                "000000000000",
                aws.rootKey()));
    aws.aws("ecs", "create-cluster", "--cluster-name", "deploy");
  }

  /** Builds an image from a Dockerfile alone. */
  static void image(String tag, String dockerfile) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      byte[] df = dockerfile.getBytes();
      TarArchiveEntry e = new TarArchiveEntry("Dockerfile");
      e.setSize(df.length);
      t.putArchiveEntry(e);
      t.write(df);
      t.closeArchiveEntry();
    }
    aws.docker()
        .buildImageCmd(new ByteArrayInputStream(tar.toByteArray()))
        .withTags(Set.of(tag))
        .exec(new BuildImageResultCallback())
        .awaitImageId();
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
    for (String image :
        List.of(
            "localbuild-test/app:v1", "localbuild-test/app:v2", "localbuild-test/crash:1", LOUD)) {
      aws.docker().removeImageCmd(image).withForce(true).exec();
    }
    aws.close();
  }

  /**
   * A service on app:v1 serving on 8080, stable, with the given health check and circuit breaker.
   */
  void service(String name, String healthCheck, boolean circuitBreaker, String command)
      throws Exception {
    Path td = tmp.resolve(name + ".json");
    Files.writeString(
        td,
        """
        {"family": "%s", "containerDefinitions": [{"name": "app", "image": "localbuild-test/app:v1", "essential": true,
          "portMappings": [{"containerPort": 8080}], %s
          "command": ["sh", "-c", "%s"]}]}
        """
            .formatted(name, healthCheck, command));
    assertThat(
            aws.aws("ecs", "register-task-definition", "--cli-input-json", "file://" + td).exit())
        .isZero();
    assertThat(
            aws.aws(
                    "ecs",
                    "create-service",
                    "--cluster",
                    "deploy",
                    "--service-name",
                    name,
                    "--task-definition",
                    name,
                    "--desired-count",
                    "1",
                    "--deployment-configuration",
                    "deploymentCircuitBreaker={enable="
                        + circuitBreaker
                        + ",rollback="
                        + circuitBreaker
                        + "}")
                .exit())
        .isZero();
    // the first deployment: the same deployer, so the service starts from a stable state
    var first =
        deployer()
            .deploy(
                List.of(new ImageDefinition("app", "localbuild-test/app:v1")),
                "deploy",
                name,
                Duration.ofMinutes(2),
                false);
    assertThat(first.succeeded()).as(first.message() + "\n" + log).isTrue();
    log.clear();
  }

  EcsDeployer deployer() {
    return new EcsDeployer(clients.ecs(), log::add, Duration.ofMillis(300));
  }

  static final String LOUD = "localbuild-test/crash-loud:1";

  @Test
  void aTaskThatCrashesShowsItsLastLogLinesFromCloudWatchLogs() throws Exception {
    service(
        "loud",
        """
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/loud",
          "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}},\
        """,
        false,
        SERVE);
    var r =
        new EcsDeployer(
                clients.ecs(),
                clients.logs(),
                log::add,
                Duration.ofMillis(300),
                dev.localbuild.runtime.log.Progress.NONE)
            .deploy(
                List.of(new ImageDefinition("app", LOUD)),
                "deploy",
                "loud",
                Duration.ofMinutes(3),
                false);
    assertThat(r.succeeded()).as(String.join("\n", log)).isFalse();
    int stopped = -1;
    for (int i = 0; i < log.size() && stopped < 0; i++) {
      if (log.get(i)
          .matches(
              "Task \\w+ stopped: Essential container in task exited \\(app: exit code 3\\)")) {
        stopped = i;
      }
    }
    assertThat(stopped).as(String.join("\n", log)).isNotNegative();
    String taskId = log.get(stopped).split(" ")[1];
    String stream = "ecs/app/" + taskId;
    assertThat(log.get(stopped + 1))
        .isEqualTo("Last 2 log lines of container app (/ecs/loud " + stream + "):");
    // stdout's and stderr's lines are timed apart by the engine (as by the awslogs driver): two
    // lines written a microsecond apart may come in either order
    assertThat(log.subList(stopped + 2, stopped + 4))
        .containsExactlyInAnyOrder(
            "  app | starting app", "  app | Error: DATABASE_URL is not set");
    // shown once, for the first stopped task: the others would repeat it
    assertThat(log.stream().filter(l -> l.startsWith("Last "))).hasSize(1);
    // the AWS CLI reads the same stream
    var cli =
        aws.aws(
            "logs",
            "get-log-events",
            "--log-group-name",
            "/ecs/loud",
            "--log-stream-name",
            stream,
            "--start-from-head");
    assertThat(cli.exit()).as(cli.err()).isZero();
    var events =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(cli.out()).path("events");
    assertThat(events.findValuesAsText("message"))
        .containsExactlyInAnyOrder("starting app", "Error: DATABASE_URL is not set");
    var missing =
        aws.aws(
            "logs",
            "get-log-events",
            "--log-group-name",
            "/ecs/loud",
            "--log-stream-name",
            "ecs/app/nosuchtask");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err())
        .contains("ResourceNotFoundException", "The specified log stream does not exist.");
  }

  static final String SERVE =
      "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www";

  @Test
  void aGoodImageDeploysAndTheServiceRunsIt() throws Exception {
    service("good", "", false, SERVE);
    var r =
        deployer()
            .deploy(
                List.of(new ImageDefinition("app", "localbuild-test/app:v2")),
                "deploy",
                "good",
                Duration.ofMinutes(2),
                false);
    assertThat(r.succeeded()).as(r.message() + "\n" + log).isTrue();
    assertThat(log)
        .anySatisfy(l ->
            assertThat(l)
                .startsWith("Registered arn:aws:ecs:us-east-1:000000000000:task-definition/good:3"))
        .contains("(service good) has reached a steady state.");
    assertThat(
            clients
                .ecs()
                .describeServices(b -> b.cluster("deploy").services("good"))
                .services()
                .get(0)
                .taskDefinition())
        .isEqualTo(r.taskDefinitionArn());
  }

  @Test
  void anUnknownContainerNameIsRefusedBeforeAnythingChanges() throws Exception {
    service("named", "", false, SERVE);
    var r =
        deployer()
            .deploy(
                List.of(new ImageDefinition("web", "localbuild-test/app:v2")),
                "deploy",
                "named",
                Duration.ofMinutes(1),
                false);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.message())
        .isEqualTo(
            "imagedefinitions.json names container web, which task definition named:2 does not"
                + " have (its containers: app)");
  }

  @Test
  void tasksThatFailTheirHealthCheckFailTheDeployWithTheReason() throws Exception {
    service("sick", "", false, SERVE);
    // the new revision's health check can never pass
    Path td = tmp.resolve("sick-check.json");
    Files.writeString(
        td,
        """
        {"family": "sick", "containerDefinitions": [{"name": "app", "image": "localbuild-test/app:v1", "essential": true,
          "portMappings": [{"containerPort": 8080}],
          "healthCheck": {"command": ["CMD-SHELL", "exit 1"], "interval": 1, "timeout": 1, "retries": 1},
          "command": ["sh", "-c", "%s"]}]}
        """
            .formatted(SERVE));
    aws.aws("ecs", "register-task-definition", "--cli-input-json", "file://" + td);
    aws.aws(
        "ecs",
        "update-service",
        "--cluster",
        "deploy",
        "--service",
        "sick",
        "--task-definition",
        "sick");
    var r =
        deployer()
            .deploy(
                List.of(new ImageDefinition("app", "localbuild-test/app:v2")),
                "deploy",
                "sick",
                Duration.ofMinutes(3),
                true);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.message())
        .contains(
            "tasks of the new deployment stopped; the last: Task failed container health checks");
    assertThat(log)
        .contains(
            "Rolled the service back to arn:aws:ecs:us-east-1:000000000000:task-definition/sick:3");
    assertThat(r.took()).isLessThan(Duration.ofMinutes(2));
  }

  @Test
  void aCircuitBreakerRollbackIsAFailedDeploy() throws Exception {
    service("breaker", "", true, SERVE);
    var r =
        deployer()
            .deploy(
                List.of(new ImageDefinition("app", "localbuild-test/crash:1")),
                "deploy",
                "breaker",
                Duration.ofMinutes(3),
                false);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.message()).contains("ECS deployment circuit breaker: tasks failed to start.");
    var svc =
        clients
            .ecs()
            .describeServices(b -> b.cluster("deploy").services("breaker"))
            .services()
            .get(0);
    assertThat(svc.taskDefinition())
        .as("ECS rolled back to the last completed deployment")
        .endsWith("breaker:2");
    assertThat(log).anySatisfy(l -> assertThat(l).contains("Essential container in task exited"));
  }

  @Test
  void aDeployThatDoesNotSettleTimesOut() throws Exception {
    service("slow", "", false, SERVE);
    Path td = tmp.resolve("slow-start.json");
    Files.writeString(
        td,
        """
        {"family": "slow", "containerDefinitions": [{"name": "app", "image": "localbuild-test/app:v1", "essential": true,
          "portMappings": [{"containerPort": 8080}], "command": ["sh", "-c", "sleep 600"]}]}
        """);
    aws.aws("ecs", "register-task-definition", "--cli-input-json", "file://" + td);
    aws.aws(
        "ecs",
        "update-service",
        "--cluster",
        "deploy",
        "--service",
        "slow",
        "--task-definition",
        "slow");
    var r =
        deployer()
            .deploy(
                List.of(new ImageDefinition("app", "localbuild-test/app:v2")),
                "deploy",
                "slow",
                Duration.ofSeconds(4),
                false);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.message())
        .startsWith("timed out after 4s waiting for service slow to be stable on");
  }
}
