package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.api.ServiceModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code localbuild serve} driven as its users drive it: Debian's AWS CLI with a key from {@code
 * serve keys create}, against a fresh server.
 */
@Timeout(600)
class ServeIT {
  static final String AWS = ServeProcess.AWS;

  @TempDir Path tmp;
  Path home;
  LocalbuildProcess server;
  String endpoint;
  JsonNode key;

  @BeforeEach
  void start() throws Exception {
    home = Files.createDirectories(tmp.resolve("home"));
    startServer();
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, home, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    key = RecordJson.MAPPER.readTree(keys.out());
    assertThat(key.path("accessKeyId").asText()).startsWith("AKIA");
    assertThat(key.path("secretAccessKey").asText()).hasSize(40);
  }

  void startServer() throws Exception {
    server = LocalbuildProcess.start(tmp, home, "serve", "--port", "0", "--concurrency", "2");
    endpoint = ServeProcess.endpoint(server);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
  }

  record Cli(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return RecordJson.MAPPER.readTree(out);
    }
  }

  Cli awsWithSecret(String secret, String... args) throws Exception {
    ServeProcess.Cli c =
        ServeProcess.aws(tmp, endpoint, key.path("accessKeyId").asText(), secret, args);
    return new Cli(c.exit(), c.out(), c.err());
  }

  Cli aws(String... args) throws Exception {
    return awsWithSecret(key.path("secretAccessKey").asText(), args);
  }

  JsonNode build(String id) throws Exception {
    Cli c = aws("codebuild", "batch-get-builds", "--ids", id);
    assertThat(c.exit()).as(c.err()).isZero();
    return c.json().path("builds").get(0);
  }

  JsonNode awaitBuild(String id, Predicate<JsonNode> condition) throws Exception {
    JsonNode b = build(id);
    for (int i = 0; i < 600 && !condition.test(b); i++) {
      TimeUnit.MILLISECONDS.sleep(250);
      b = build(id);
    }
    assertThat(condition.test(b)).as(b.toString()).isTrue();
    return b;
  }

  void createProject(String name, String commands) throws Exception {
    createProject(name, "version: 0.2\nphases:\n  build:\n    commands:\n" + commands, List.of());
  }

  /**
   * A NO_SOURCE project with this buildspec, on debian:bookworm, with more create-project flags.
   */
  void createProject(String name, String buildspec, List<String> more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "codebuild",
                "create-project",
                "--name",
                name,
                "--source",
                RecordJson.MAPPER
                    .createObjectNode()
                    .put("type", "NO_SOURCE")
                    .put("buildspec", buildspec)
                    .toString(),
                "--artifacts",
                "type=NO_ARTIFACTS",
                "--environment",
                "type=LINUX_CONTAINER,image=debian:bookworm,computeType=BUILD_GENERAL1_SMALL",
                "--service-role",
                "arn:aws:iam::000000000000:role/localbuild-build"));
    args.addAll(more);
    Cli c = aws(args.toArray(String[]::new));
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(c.json().path("project").path("arn").asText())
        .isEqualTo("arn:aws:codebuild:us-east-1:000000000000:project/" + name);
  }

  /**
   * The containers of a build: labelled with it, or a warm container it took (named as the build's
   * own container is).
   */
  long containers(String buildId) {
    String project = buildId.substring(0, buildId.indexOf(':'));
    String name =
        "localbuild-"
            + project
            + "-"
            + buildId.substring(buildId.indexOf(':') + 1, buildId.indexOf(':') + 9);
    try (DockerClient docker = DockerClients.create()) {
      long labelled =
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(Labels.BUILD, buildId))
              .exec()
              .size();
      long named =
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(Labels.ROLE, "warm"))
              .withNameFilter(List.of("^/" + name + "$"))
              .exec()
              .size();
      return labelled + named;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theAwsCliRunsBuildsReadsTheirLogsStopsAndRetriesThem() throws Exception {
    createProject("hello", "      - echo \"hello $WHO\"\n");
    Cli exists =
        aws(
            "codebuild",
            "create-project",
            "--name",
            "hello",
            "--source",
            "type=NO_SOURCE,buildspec=x",
            "--artifacts",
            "type=NO_ARTIFACTS",
            "--environment",
            "type=LINUX_CONTAINER,image=debian:bookworm,computeType=BUILD_GENERAL1_SMALL",
            "--service-role",
            "r");
    assertThat(exists.exit()).isNotZero();
    assertThat(exists.err()).contains("ResourceAlreadyExistsException");

    Cli started =
        aws(
            "codebuild",
            "start-build",
            "--project-name",
            "hello",
            "--environment-variables-override",
            "name=WHO,value=override,type=PLAINTEXT");
    assertThat(started.exit()).as(started.err()).isZero();
    JsonNode queued = started.json().path("build");
    String id = queued.path("id").asText();
    assertThat(id).startsWith("hello:");
    assertThat(queued.path("buildStatus").asText()).isEqualTo("IN_PROGRESS");
    assertThat(queued.path("buildNumber").asLong()).isEqualTo(1);

    JsonNode done = awaitBuild(id, b -> b.path("buildComplete").asBoolean());
    assertThat(done.path("buildStatus").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    // a whole build's record, as the CLI parsed it: CodeBuild's Build shape, nothing else
    JsonNode response = aws("codebuild", "batch-get-builds", "--ids", id).json();
    assertThat(
            ServiceModel.botocore("codebuild", "2016-10-06")
                .checkCliOutput("BatchGetBuilds", response))
        .isEmpty();
    assertThat(done.path("environment").path("environmentVariables").toString())
        .contains("\"name\":\"WHO\"", "\"value\":\"override\"");

    Cli list = aws("codebuild", "list-builds-for-project", "--project-name", "hello");
    assertThat(list.json().path("ids").toString()).contains(id);

    Cli logs =
        aws(
            "logs",
            "get-log-events",
            "--log-group-name",
            done.path("logs").path("groupName").asText(),
            "--log-stream-name",
            done.path("logs").path("streamName").asText(),
            "--start-from-head");
    assertThat(logs.exit()).as(logs.err()).isZero();
    List<String> messages = new ArrayList<>();
    logs.json().path("events").forEach(e -> messages.add(e.path("message").asText()));
    assertThat(messages).contains("hello override");
    assertThat(messages).anyMatch(m -> m.contains("Phase complete: BUILD State: SUCCEEDED"));

    // a long build stopped: STOPPED, its container gone
    createProject("sleepy", "      - sleep 300\n");
    String long1 =
        aws("codebuild", "start-build", "--project-name", "sleepy")
            .json()
            .path("build")
            .path("id")
            .asText();
    awaitBuild(long1, b -> "BUILD".equals(b.path("currentPhase").asText()));
    Cli stopped = aws("codebuild", "stop-build", "--id", long1);
    assertThat(stopped.exit()).as(stopped.err()).isZero();
    JsonNode s = awaitBuild(long1, b -> b.path("buildComplete").asBoolean());
    assertThat(s.path("buildStatus").asText()).isEqualTo("STOPPED");
    assertThat(containers(long1)).isZero();

    Cli retried = aws("codebuild", "retry-build", "--id", id);
    assertThat(retried.exit()).as(retried.err()).isZero();
    String again = retried.json().path("build").path("id").asText();
    assertThat(again).isNotEqualTo(id);
    assertThat(
            awaitBuild(again, b -> b.path("buildComplete").asBoolean())
                .path("buildStatus")
                .asText())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void aLocalCustomCacheMissesThenHitsAndMetricsCountBoth() throws Exception {
    // the cache is a volume per project name: this test's own, removed at its end
    String project = "cached-" + Long.toHexString(System.nanoTime());
    try {
      buildTwiceWithACustomCache(project);
    } finally {
      try (DockerClient docker = DockerClients.create()) {
        docker.removeVolumeCmd("localbuild-cc-" + project).exec();
      }
    }
  }

  void buildTwiceWithACustomCache(String project) throws Exception {
    String buildspec =
        "version: 0.2\nphases:\n  build:\n    commands:\n"
            + "      - ls deps || true\n      - mkdir -p deps && date > deps/stamp\n"
            + "cache:\n  paths:\n    - 'deps/**/*'\n";
    createProject(project, buildspec, List.of("--cache", "type=LOCAL,modes=LOCAL_CUSTOM_CACHE"));
    for (int i = 0; i < 2; i++) {
      Cli started = aws("codebuild", "start-build", "--project-name", project);
      assertThat(started.exit()).as(started.err()).isZero();
      String id = started.json().path("build").path("id").asText();
      assertThat(
              awaitBuild(id, b -> b.path("buildComplete").asBoolean()).path("buildStatus").asText())
          .isEqualTo("SUCCEEDED");
    }
    String metrics;
    try (HttpClient http = HttpClient.newHttpClient()) {
      metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }
    // the first build found the cache empty; the second found what the first left
    assertThat(metrics)
        .contains(
            "localbuild_cache_restores_total{result=\"miss\",type=\"LOCAL_CUSTOM_CACHE\"} 1.0")
        .contains(
            "localbuild_cache_restores_total{result=\"hit\",type=\"LOCAL_CUSTOM_CACHE\"} 1.0");
  }

  @Test
  void unsignedAndWronglySignedRequestsAreRefusedAsAwsRefusesThem() throws Exception {
    HttpResponse<String> unsigned =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + "/"))
                    .header("X-Amz-Target", "CodeBuild_20161006.ListProjects")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(unsigned.body()).contains("MissingAuthenticationTokenException");

    Cli wrong = awsWithSecret("wrong" + "x".repeat(35), "codebuild", "list-projects");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err()).contains("InvalidSignatureException");

    Cli unknown = aws("codebuild", "batch-get-builds", "--ids", "nope:1234");
    assertThat(unknown.json().path("buildsNotFound").get(0).asText()).isEqualTo("nope:1234");
    Cli missing = aws("codebuild", "start-build", "--project-name", "nope");
    assertThat(missing.err()).contains("ResourceNotFoundException", "Project cannot be found");

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  /**
   * Builds of five projects through a queue of two, the server killed and started again in the
   * middle: every build ends, with the status it should have and its whole log, and none runs
   * twice. 4 builds a project in CI (20); {@code -Dserve.load.perProject=40} runs the 200 of issue
   * 9's load test.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES) // 200 builds when asked; 20 take 2 minutes
  void aLoadOfBuildsSurvivesAKilledServerNoneLostNoneRunTwice() throws Exception {
    int perProject = Integer.getInteger("serve.load.perProject", 4);
    List<String> ids = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      createProject("load" + p, "      - echo \"ran $CODEBUILD_BUILD_ID\"\n");
    }
    for (int n = 0; n < perProject; n++) {
      for (int p = 0; p < 5; p++) {
        ids.add(
            aws("codebuild", "start-build", "--project-name", "load" + p)
                .json()
                .path("build")
                .path("id")
                .asText());
      }
    }
    // the kill comes while builds run and others wait
    awaitBuild(ids.get(2), b -> !"QUEUED".equals(b.path("currentPhase").asText()));
    server.process.destroyForcibly();
    server.process.waitFor(30, TimeUnit.SECONDS);
    startServer();
    Map<String, JsonNode> builds = awaitAll(ids);
    // every project's log group in one paged FilterLogEvents (the CLI follows nextToken)
    Map<String, List<String>> logs = new java.util.HashMap<>();
    for (int p = 0; p < 5; p++) {
      Cli group = aws("logs", "filter-log-events", "--log-group-name", "/aws/codebuild/load" + p);
      assertThat(group.exit()).as(group.err()).isZero();
      group
          .json()
          .path("events")
          .forEach(e ->
              logs.computeIfAbsent(e.path("logStreamName").asText(), k -> new ArrayList<>())
                  .add(e.path("message").asText()));
    }
    for (String id : ids) {
      JsonNode b = builds.get(id);
      String status = b.path("buildStatus").asText();
      if (status.equals("FAULT")) {
        assertThat(b.toString())
            .contains("The localbuild server stopped before the build finished");
        continue;
      }
      assertThat(status).as(b.toString()).isEqualTo("SUCCEEDED");
      List<String> lines = logs.getOrDefault(b.path("logs").path("streamName").asText(), List.of());
      assertThat(lines).as(id).containsOnlyOnce("ran " + id);
      assertThat(lines.stream().filter(l -> l.contains("Entering phase BUILD")).count())
          .as(id)
          .isEqualTo(1);
      assertThat(lines.getLast()).as(id).contains("Phase context status code");
    }
    assertThat(ids).doesNotHaveDuplicates();
  }

  /** Waits until every build is complete, asking for a hundred at a time; the builds by id. */
  Map<String, JsonNode> awaitAll(List<String> ids) throws Exception {
    Map<String, JsonNode> done = new java.util.HashMap<>();
    for (int round = 0; round < 3600 && done.size() < ids.size(); round++) {
      List<String> pending = ids.stream().filter(i -> !done.containsKey(i)).limit(100).toList();
      List<String> args = new ArrayList<>(List.of("codebuild", "batch-get-builds", "--ids"));
      args.addAll(pending);
      Cli c = aws(args.toArray(String[]::new));
      assertThat(c.exit()).as(c.err()).isZero();
      c.json()
          .path("builds")
          .forEach(b -> {
            if (b.path("buildComplete").asBoolean()) {
              done.put(b.path("id").asText(), b);
            }
          });
      if (done.size() < ids.size()) {
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    assertThat(done.keySet()).as("complete builds").containsExactlyInAnyOrderElementsOf(ids);
    return done;
  }

  /** SIGTERM: nothing new is accepted, and a running build may finish within the grace period. */
  @Test
  void sigtermLetsTheRunningBuildFinishThenTheServerExits() throws Exception {
    createProject("brief", "      - sleep 6\n      - echo done\n");
    String id =
        aws("codebuild", "start-build", "--project-name", "brief")
            .json()
            .path("build")
            .path("id")
            .asText();
    awaitBuild(id, b -> "BUILD".equals(b.path("currentPhase").asText()));
    server.process.destroy(); // SIGTERM
    assertThat(server.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(server.err()).contains("stopping: running builds have 60s");
    startServer();
    JsonNode b = build(id);
    assertThat(b.path("buildStatus").asText()).as(b.toString()).isEqualTo("SUCCEEDED");
    assertThat(containers(id)).isZero();
  }

  @Test
  void aServerKilledMidBuildRecordsItAsFaultAndRemovesItsContainerWhenItStartsAgain()
      throws Exception {
    createProject("sleepy", "      - sleep 300\n");
    String id =
        aws("codebuild", "start-build", "--project-name", "sleepy")
            .json()
            .path("build")
            .path("id")
            .asText();
    awaitBuild(id, b -> "BUILD".equals(b.path("currentPhase").asText()));
    assertThat(containers(id)).isPositive();
    server.process.destroyForcibly();
    server.process.waitFor(30, TimeUnit.SECONDS);
    startServer();
    JsonNode b = awaitBuild(id, x -> x.path("buildComplete").asBoolean());
    assertThat(b.path("buildStatus").asText()).isEqualTo("FAULT");
    assertThat(b.toString()).contains("The localbuild server stopped before the build finished");
    assertThat(containers(id)).isZero();
  }
}
