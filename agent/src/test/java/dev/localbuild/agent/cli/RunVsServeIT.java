package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.codebuild.model.Build;

/**
 * One build path: every sample runs through {@code localbuild run} and through {@code localbuild
 * serve} (a project whose source is the sample's git repository, started with the SDK), and both
 * give the same phases and statuses, the same exported variables and the same log lines, build ids,
 * times and the source's directory aside, though one copies the working tree and the other clones
 * the repository in DOWNLOAD_SOURCE.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RunVsServeIT {
  @TempDir static Path shared;
  static Path data;
  static LocalbuildProcess server;
  static software.amazon.awssdk.services.codebuild.CodeBuildClient codebuild;
  static CloudWatchLogsClient logs;

  @TempDir Path tmp;

  /** The server as its users run it: its own process, from the packaged jar. */
  @BeforeAll
  static void serve() throws Exception {
    data = Files.createDirectories(shared.resolve("server"));
    server =
        LocalbuildProcess.start(
            shared,
            data,
            "serve",
            "--data-dir",
            data.toString(),
            "--port",
            "0",
            "--concurrency",
            "2");
    URI endpoint = URI.create(ServeProcess.endpoint(server));
    LocalbuildProcess keys =
        LocalbuildProcess.start(
            shared, data, "serve", "keys", "create", "--data-dir", data.toString());
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    JsonNode key = RecordJson.MAPPER.readTree(keys.out());
    var credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(
                key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()));
    codebuild =
        software.amazon.awssdk.services.codebuild.CodeBuildClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    logs =
        CloudWatchLogsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** The server, then the local AWS each side started (fetched sources always have AWS). */
  @AfterAll
  static void stop() throws Exception {
    if (codebuild != null) {
      codebuild.close();
      logs.close();
    }
    if (server != null && server.process.isAlive()) {
      // the server's builds had their local AWS inside the server's JVM, not in a process beside
      Path awsState = data.resolve("aws");
      JsonNode announced = RecordJson.MAPPER.readTree(awsState.resolve("server.json").toFile());
      assertThat(announced.path("pid").asLong()).isEqualTo(server.process.pid());
      assertThat(announced.path("embedded").asBoolean()).isTrue();
      server.process.destroy();
      assertThat(server.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      // and it stopped with the server, as `aws stop` stops one: its registry is not left running
      try (var docker = dev.localbuild.agent.docker.DockerClients.create()) {
        assertThat(
                docker
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(
                        java.util.Map.of(
                            dev.localbuild.localaws.LocalAwsProcess.INSTANCE_LABEL,
                            dev.localbuild.localaws.LocalAwsProcess.instance(awsState)))
                    .exec())
            .as("the server's local AWS's containers after the server stopped")
            .isEmpty();
      }
    }
    for (Path home : List.of(data, shared.resolve("run-home"))) {
      if (Files.isDirectory(home)) {
        assertThat(LocalbuildProcess.start(shared, home, "aws", "stop", "--purge").waitFor())
            .isZero();
      }
    }
  }

  static Stream<String> samples() throws Exception {
    return SamplesIT.samples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void aSampleRunsTheSameThroughRunAndThroughServe(String name) throws Exception {
    Properties expected = new Properties();
    try (Reader r =
        Files.newBufferedReader(SamplesIT.SAMPLES.resolve(name).resolve("expected.properties"))) {
      expected.load(r);
    }
    boolean privileged = Boolean.parseBoolean(expected.getProperty("privileged", "false"));
    Path repo =
        SampleRepos.committed(SamplesIT.SAMPLES.resolve(name), tmp.resolve("src").resolve(name));

    // through run
    Path home = Files.createDirectories(shared.resolve("run-home"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-s",
                repo.toString(),
                "-i",
                expected.getProperty("image"),
                "--json",
                tmp.resolve("record.json").toString()));
    if (privileged) {
      args.add("-d");
    }
    LocalbuildProcess run = LocalbuildProcess.start(tmp, home, args.toArray(String[]::new));
    run.waitFor(10); // on a new machine, the first use of localbuild/standard builds it
    JsonNode local = RecordJson.MAPPER.readTree(tmp.resolve("record.json").toFile());

    // through serve
    codebuild.createProject(p ->
        p.name(name)
            .source(s -> s.type("GITHUB").location(repo.toString()))
            .artifacts(a -> a.type("NO_ARTIFACTS"))
            .environment(e ->
                e.type("LINUX_CONTAINER")
                    .image(expected.getProperty("image"))
                    .computeType("BUILD_GENERAL1_SMALL")
                    .privilegedMode(privileged))
            .serviceRole("arn:aws:iam::000000000000:role/localbuild-build"));
    String id = codebuild.startBuild(b -> b.projectName(name)).build().id();
    Build served = awaitBuild(id);

    assertThat(served.buildStatusAsString())
        .as(
            "serve's status (phases %s); run's was %s",
            served.phases(), local.path("buildStatus").asText())
        .isEqualTo(local.path("buildStatus").asText())
        .isEqualTo(expected.getProperty("buildStatus"));
    List<String> servedPhases = new ArrayList<>();
    served.phases().stream()
        .filter(ph -> !List.of("SUBMITTED", "QUEUED").contains(ph.phaseTypeAsString()))
        .forEach(ph ->
            servedPhases.add(
                ph.phaseTypeAsString()
                    + ":"
                    + (ph.phaseStatusAsString() == null ? "" : ph.phaseStatusAsString())));
    assertThat(servedPhases).isEqualTo(phases(local));
    List<String> servedExports = new ArrayList<>();
    served
        .exportedEnvironmentVariables()
        .forEach(v -> servedExports.add(v.name() + "=" + normalized(v.value())));
    List<String> runExports = new ArrayList<>();
    local
        .path("exportedEnvironmentVariables")
        .forEach(v ->
            runExports.add(v.path("name").asText() + "=" + normalized(v.path("value").asText())));
    assertThat(servedExports).isEqualTo(runExports);

    List<String> servedLog = new ArrayList<>();
    String token = null;
    while (true) {
      String from = token;
      GetLogEventsResponse page =
          logs.getLogEvents(g -> {
            g.logGroupName(served.logs().groupName())
                .logStreamName(served.logs().streamName())
                .startFromHead(true);
            if (from != null) {
              g.nextToken(from);
            }
          });
      // a multi-line command is one event, as in CodeBuild's CloudWatch log; the terminal has
      // its lines
      page.events().stream()
          .map(OutputLogEvent::message)
          .forEach(msg -> servedLog.addAll(List.of(msg.split("\n", -1))));
      if (page.events().isEmpty() || page.nextForwardToken().equals(token)) {
        break;
      }
      token = page.nextForwardToken();
    }
    List<String> runLog = run.out().lines().toList();
    assertThat(servedLog.stream().map(RunVsServeIT::normalized).toList())
        .as("serve's log lines against run's")
        .containsExactlyElementsOf(runLog.stream().map(RunVsServeIT::normalized).toList())
        .contains("[Container] Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED");
  }

  Build awaitBuild(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      Build b = codebuild.batchGetBuilds(r -> r.ids(id)).builds().getFirst();
      if (Boolean.TRUE.equals(b.buildComplete())) {
        return b;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("build " + id + " did not finish");
  }

  /** Phase types and statuses from PROVISIONING on (serve's builds also wait in QUEUED). */
  static List<String> phases(JsonNode record) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : record.path("phases")) {
      String type = p.path("phaseType").asText();
      if (!type.equals("SUBMITTED") && !type.equals("QUEUED")) {
        out.add(type + ":" + p.path("phaseStatus").asText(""));
      }
    }
    return out;
  }

  /** A line without what differs between any two builds: times, ids, the source's directory. */
  static String normalized(String s) {
    return dev.localbuild.agent.reproduce.LogLines.normalized(s);
  }
}
