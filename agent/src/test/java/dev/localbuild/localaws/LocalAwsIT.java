package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ECR, ECS, SSM, Secrets Manager and STS call of the local AWS through the real AWS CLI v2,
 * with a real registry behind ECR and real containers behind ECS; and the state surviving a
 * restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalAwsIT {
  @TempDir static Path tmp;
  static LocalAwsFixture aws;

  @BeforeAll
  static void start() throws Exception {
    aws = new LocalAwsFixture(tmp.resolve("aws"));
  }

  @AfterAll
  static void stop() throws Exception {
    aws.close();
  }

  static JsonNode ok(LocalAwsFixture.Cli r) throws Exception {
    assertThat(r.exit()).as(r.err()).isZero();
    return r.out().isBlank() ? null : r.json();
  }

  @Test
  @Order(1)
  void stsSsmAndSecretsManager() throws Exception {
    assertThat(ok(aws.aws("sts", "get-caller-identity")).path("Account").asText())
        .isEqualTo("000000000000");
    JsonNode session = ok(aws.aws("sts", "get-session-token")).path("Credentials");
    assertThat(session.path("AccessKeyId").asText()).startsWith("ASIA");
    assertThat(session.path("SessionToken").asText()).isNotEmpty();
    assertThat(session.path("Expiration").asText()).isNotEmpty();
    ok(
        aws.aws(
            "ssm",
            "put-parameter",
            "--name",
            "/CodeBuild/token",
            "--value",
            "t0k3n",
            "--type",
            "SecureString"));
    assertThat(
            ok(aws.aws("ssm", "get-parameter", "--name", "/CodeBuild/token", "--with-decryption"))
                .at("/Parameter/Value")
                .asText())
        .isEqualTo("t0k3n");
    JsonNode many = ok(aws.aws("ssm", "get-parameters", "--names", "/CodeBuild/token", "/missing"));
    assertThat(many.at("/InvalidParameters/0").asText()).isEqualTo("/missing");
    LocalAwsFixture.Cli missing = aws.aws("ssm", "get-parameter", "--name", "/missing");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("ParameterNotFound");
    ok(
        aws.aws(
            "secretsmanager",
            "create-secret",
            "--name",
            "dockerhub",
            "--secret-string",
            "{\"username\":\"u\",\"password\":\"p\"}"));
    JsonNode secret = ok(aws.aws("secretsmanager", "get-secret-value", "--secret-id", "dockerhub"));
    assertThat(secret.path("SecretString").asText()).contains("\"password\":\"p\"");
    assertThat(
            ok(aws.aws(
                    "secretsmanager",
                    "get-secret-value",
                    "--secret-id",
                    secret.path("ARN").asText()))
                .path("Name")
                .asText())
        .isEqualTo("dockerhub");
  }

  @Test
  @Order(2)
  void ecrRepositoriesImagesAndTokens() throws Exception {
    JsonNode repo = ok(aws.aws("ecr", "create-repository", "--repository-name", "team/app"));
    assertThat(repo.at("/repository/repositoryUri").asText())
        .isEqualTo("127.0.0.1:" + aws.server().port() + "/team/app");
    assertThat(aws.aws("ecr", "create-repository", "--repository-name", "team/app").err())
        .contains("RepositoryAlreadyExistsException");
    assertThat(
            ok(aws.aws("ecr", "describe-repositories"))
                .at("/repositories/0/repositoryName")
                .asText())
        .isEqualTo("team/app");
    assertThat(aws.aws("ecr", "describe-repositories", "--repository-names", "nope").err())
        .contains("RepositoryNotFoundException");
    JsonNode token = ok(aws.aws("ecr", "get-authorization-token"));
    assertThat(token.at("/authorizationData/0/proxyEndpoint").asText())
        .isEqualTo("http://127.0.0.1:" + aws.server().port());
    String password = aws.aws("ecr", "get-login-password").out().strip();
    assertThat(password).startsWith("lbecr");
    // the agent's login (for the build's daemon) is fetched once and reused while it is valid
    try (var clients =
        new dev.localbuild.agent.aws.AwsClients(
            dev.localbuild.agent.aws.AwsTarget.local(
                aws.server().port(), null, "us-east-1", "000000000000", aws.rootKey()))) {
      var login = clients.ecrLogin();
      assertThat(login.registry()).isEqualTo("127.0.0.1:" + aws.server().port());
      assertThat(login.username()).isEqualTo("AWS");
      assertThat(login.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(11 * 3600));
      assertThat(clients.ecrLogin()).isSameAs(login);
    }

    String registry = "127.0.0.1:" + aws.server().port();
    assertThat(docker("login", "--username", "AWS", "--password", "wrong", registry)).isNotZero();
    assertThat(docker("login", "--username", "AWS", "--password", password, registry)).isZero();
    assertThat(docker("tag", "busybox:latest", registry + "/team/app:v1")).isZero();
    assertThat(docker("push", registry + "/team/app:v1")).isZero();
    assertThat(docker("tag", "busybox:latest", registry + "/not/created:v1")).isZero();
    assertThat(docker("push", registry + "/not/created:v1"))
        .as("push to a repository that does not exist")
        .isNotZero();

    JsonNode images = ok(aws.aws("ecr", "describe-images", "--repository-name", "team/app"));
    assertThat(images.at("/imageDetails/0/imageTags/0").asText()).isEqualTo("v1");
    assertThat(images.at("/imageDetails/0/imageSizeInBytes").asLong()).isPositive();
    String digest = images.at("/imageDetails/0/imageDigest").asText();
    assertThat(
            ok(aws.aws("ecr", "list-images", "--repository-name", "team/app"))
                .at("/imageIds/0/imageDigest")
                .asText())
        .isEqualTo(digest);
    JsonNode got =
        ok(
            aws.aws(
                "ecr",
                "batch-get-image",
                "--repository-name",
                "team/app",
                "--image-ids",
                "imageTag=v1"));
    assertThat(got.at("/images/0/imageManifest").asText()).contains("\"schemaVersion\"");
    JsonNode deleted =
        ok(
            aws.aws(
                "ecr",
                "batch-delete-image",
                "--repository-name",
                "team/app",
                "--image-ids",
                "imageTag=v1"));
    assertThat(deleted.at("/imageIds/0/imageDigest").asText()).isEqualTo(digest);
    assertThat(ok(aws.aws("ecr", "list-images", "--repository-name", "team/app")).path("imageIds"))
        .isEmpty();
    ok(aws.aws("ecr", "delete-repository", "--repository-name", "team/app", "--force"));
    assertThat(ok(aws.aws("ecr", "describe-repositories")).path("repositories")).isEmpty();
    docker("rmi", registry + "/team/app:v1", registry + "/not/created:v1");
    docker("logout", registry);
  }

  static final String TASK_DEFINITION =
      """
      {"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
       "containerDefinitions": [{"name": "web", "image": "busybox:latest", "essential": true,
         "portMappings": [{"containerPort": 8080}],
         "command": ["sh", "-c", "mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 8080 -h /www"]}]}
      """;

  @Test
  @Order(3)
  void ecsClustersTaskDefinitionsServicesAndTasks() throws Exception {
    ok(aws.aws("ecs", "create-cluster", "--cluster-name", "it"));
    Path td = tmp.resolve("td.json");
    Files.writeString(td, TASK_DEFINITION.formatted("one"));
    JsonNode reg =
        ok(aws.aws("ecs", "register-task-definition", "--cli-input-json", "file://" + td));
    assertThat(reg.at("/taskDefinition/revision").asInt()).isEqualTo(1);
    assertThat(
            ok(aws.aws(
                    "ecs",
                    "describe-task-definition",
                    "--task-definition",
                    "web",
                    "--include",
                    "TAGS"))
                .at("/taskDefinition/containerDefinitions/0/name")
                .asText())
        .isEqualTo("web");
    assertThat(
            ok(aws.aws("ecs", "list-task-definitions", "--family-prefix", "web"))
                .path("taskDefinitionArns"))
        .hasSize(1);

    JsonNode created =
        ok(
            aws.aws(
                "ecs",
                "create-service",
                "--cluster",
                "it",
                "--service-name",
                "web",
                "--task-definition",
                "web:1",
                "--desired-count",
                "1",
                "--launch-type",
                "FARGATE"));
    assertThat(created.at("/service/deployments/0/rolloutState").asText()).isEqualTo("IN_PROGRESS");
    JsonNode svc =
        awaitService(
            "it", "web", s -> s.at("/deployments/0/rolloutState").asText().equals("COMPLETED"));
    assertThat(svc.path("runningCount").asInt()).isEqualTo(1);
    assertThat(svc.at("/events/0/message").asText())
        .isEqualTo("(service web) has reached a steady state.");

    JsonNode tasks = ok(aws.aws("ecs", "list-tasks", "--cluster", "it", "--service-name", "web"));
    String task = tasks.at("/taskArns/0").asText();
    JsonNode described = ok(aws.aws("ecs", "describe-tasks", "--cluster", "it", "--tasks", task));
    assertThat(described.at("/tasks/0/lastStatus").asText()).isEqualTo("RUNNING");
    int hostPort = described.at("/tasks/0/containers/0/networkBindings/0/hostPort").asInt();
    assertThat(get("http://127.0.0.1:" + hostPort + "/")).isEqualTo("one\n");
    assertThat(get(aws.server().ecs().serviceUrl("it", "web") + "/")).isEqualTo("one\n");

    JsonNode run =
        ok(
            aws.aws(
                "ecs",
                "run-task",
                "--cluster",
                "it",
                "--task-definition",
                "web:1",
                "--launch-type",
                "FARGATE"));
    String oneOff = run.at("/tasks/0/taskArn").asText();
    JsonNode stopped =
        ok(aws.aws("ecs", "stop-task", "--cluster", "it", "--task", oneOff, "--reason", "done"));
    assertThat(stopped.at("/task/desiredStatus").asText()).isEqualTo("STOPPED");
    awaitTask("it", oneOff, "STOPPED");

    ok(
        aws.aws(
            "ecs",
            "update-service",
            "--cluster",
            "it",
            "--service",
            "web",
            "--desired-count",
            "0"));
    awaitService("it", "web", s -> s.path("runningCount").asInt() == 0);
    assertThat(
            ok(aws.aws("ecs", "delete-service", "--cluster", "it", "--service", "web"))
                .at("/service/status")
                .asText())
        .isIn("DRAINING", "INACTIVE");
    assertThat(
            ok(aws.aws("ecs", "deregister-task-definition", "--task-definition", "web:1"))
                .at("/taskDefinition/status")
                .asText())
        .isEqualTo("INACTIVE");
    assertThat(aws.aws("ecs", "describe-services", "--cluster", "nope", "--services", "web").err())
        .contains("ClusterNotFoundException");
  }

  @Test
  @Order(4)
  void stateAndRunningTasksSurviveARestart() throws Exception {
    Path td = tmp.resolve("td2.json");
    Files.writeString(td, TASK_DEFINITION.formatted("kept"));
    ok(aws.aws("ecs", "register-task-definition", "--cli-input-json", "file://" + td));
    ok(
        aws.aws(
            "ecs",
            "create-service",
            "--cluster",
            "it",
            "--service-name",
            "kept",
            "--task-definition",
            "web",
            "--desired-count",
            "1"));
    awaitService(
        "it", "kept", s -> s.at("/deployments/0/rolloutState").asText().equals("COMPLETED"));
    String task =
        ok(aws.aws("ecs", "list-tasks", "--cluster", "it", "--service-name", "kept"))
            .at("/taskArns/0")
            .asText();
    aws.stop();
    aws.start();
    JsonNode svc =
        ok(aws.aws("ecs", "describe-services", "--cluster", "it", "--services", "kept"))
            .at("/services/0");
    assertThat(svc.path("status").asText()).isEqualTo("ACTIVE");
    Thread.sleep(1500);
    assertThat(
            ok(aws.aws("ecs", "list-tasks", "--cluster", "it", "--service-name", "kept"))
                .at("/taskArns/0")
                .asText())
        .as("the running task is adopted, not replaced")
        .isEqualTo(task);
    assertThat(
            ok(aws.aws("ssm", "get-parameter", "--name", "/CodeBuild/token", "--with-decryption"))
                .at("/Parameter/Value")
                .asText())
        .isEqualTo("t0k3n");
    ok(aws.aws("ecs", "delete-service", "--cluster", "it", "--service", "kept", "--force"));
  }

  JsonNode awaitService(String cluster, String service, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    JsonNode s = null;
    for (int i = 0; i < 120; i++) {
      s =
          ok(aws.aws("ecs", "describe-services", "--cluster", cluster, "--services", service))
              .at("/services/0");
      if (done.test(s)) {
        return s;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("service " + service + " never got there: " + s);
  }

  void awaitTask(String cluster, String task, String status) throws Exception {
    for (int i = 0; i < 120; i++) {
      if (ok(aws.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", task))
          .at("/tasks/0/lastStatus")
          .asText()
          .equals(status)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("task never " + status);
  }

  static String get(String url) throws Exception {
    try (var c = java.net.http.HttpClient.newHttpClient()) {
      return c.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  static int docker(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor();
  }
}
