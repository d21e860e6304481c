package dev.localbuild.agent.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.localbuild.agent.aws.SignedJsonClient;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.api.ServiceModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A build recorded from AWS (BatchGetBuilds, BatchGetProjects and GetLogEvents answers, checked
 * against botocore's models) read over HTTP with the SDK's signer, and made into a local run.
 */
class ReproduceRecordedTest {
  static final String ID = "web:0f4c2f57-3d0e-4c3a-9a39-8f1c3c9d2a10";
  HttpServer aws;
  final List<String> calls = new CopyOnWriteArrayList<>();
  URI endpoint;

  static JsonNode fixture(String name) throws IOException {
    try (InputStream in = ReproduceRecordedTest.class.getResourceAsStream("/reproduce/" + name)) {
      return RecordJson.MAPPER.readTree(in);
    }
  }

  @BeforeEach
  void start() throws IOException {
    aws = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    aws.createContext(
        "/",
        x -> {
          String target = x.getRequestHeaders().getFirst("X-Amz-Target");
          String auth = x.getRequestHeaders().getFirst("Authorization");
          JsonNode body = RecordJson.MAPPER.readTree(x.getRequestBody());
          calls.add(target + " " + auth.replaceAll(", Signature=.*", "") + " " + body);
          String file =
              switch (target) {
                case "CodeBuild_20161006.BatchGetBuilds" -> "batch-get-builds.json";
                case "CodeBuild_20161006.BatchGetProjects" -> "batch-get-projects.json";
                case "Logs_20140328.GetLogEvents" ->
                    switch (body.path("nextToken").asText("")) {
                      case "" -> "get-log-events-1.json";
                      case "f/39000000000000000000000000000000000000000000000000000002" ->
                          "get-log-events-2.json";
                      default -> "get-log-events-3.json";
                    };
                default -> throw new IllegalStateException(target);
              };
          byte[] out = fixture(file).toString().getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          x.sendResponseHeaders(200, out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    aws.start();
    endpoint = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    aws.stop(0);
  }

  CloudBuild read() throws Exception {
    var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
    return new CloudBuildReader(
            new SignedJsonClient(endpoint, "eu-west-1", "codebuild", keys),
            new SignedJsonClient(endpoint, "eu-west-1", "logs", keys))
        .read("arn:aws:codebuild:eu-west-1:123456789012:build/" + ID);
  }

  @Test
  void theRecordedAnswersAreCodeBuildsAndCloudWatchLogsShapes() throws Exception {
    ServiceModel codebuild = ServiceModel.botocore("codebuild", "2016-10-06");
    ServiceModel logs = ServiceModel.botocore("logs", "2014-03-28");
    assertThat(codebuild.checkOutput("BatchGetBuilds", fixture("batch-get-builds.json"))).isEmpty();
    assertThat(codebuild.checkOutput("BatchGetProjects", fixture("batch-get-projects.json")))
        .isEmpty();
    for (String page : List.of("get-log-events-1.json", "get-log-events-2.json")) {
      assertThat(logs.checkOutput("GetLogEvents", fixture(page))).isEmpty();
    }
  }

  @Test
  void theBuildItsProjectAndItsWholeLogAreReadSignedForEachService() throws Exception {
    CloudBuild cloud = read();
    assertThat(cloud.id()).isEqualTo(ID);
    assertThat(cloud.region()).isEqualTo("eu-west-1");
    assertThat(cloud.sourceVersion()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    // a multi-line event is several lines; pages follow until the token stays the same
    assertThat(cloud.log())
        .containsExactly(
            "[Container] 2025/12/02 10:00:20.950123 Running on CodeBuild On-demand",
            "[Container] 2025/12/02 10:00:20.951234 Waiting for agent ping",
            "[Container] 2025/12/02 10:00:51.100345 Running command npm test",
            "> web@1.0.0 test",
            "> jest",
            "FAIL src/app.test.js (5.1 s)");
    assertThat(calls).hasSize(5);
    assertThat(calls.get(0))
        .startsWith("CodeBuild_20161006.BatchGetBuilds AWS4-HMAC-SHA256 Credential=AKIDTEST/")
        .contains("/eu-west-1/codebuild/aws4_request")
        .endsWith("{\"ids\":[\"" + ID + "\"]}");
    assertThat(calls.get(1)).contains("BatchGetProjects").endsWith("{\"names\":[\"web\"]}");
    assertThat(calls.get(2))
        .contains("/eu-west-1/logs/aws4_request")
        .contains("\"logGroupName\":\"/aws/codebuild/web\"")
        .contains("\"startFromHead\":true");
  }

  @Test
  void theLocalRunIsTheProjectWithTheBuildsOverridesAtItsCommit() throws Exception {
    CloudBuild cloud = read();
    ObjectNode p = Reproduction.project(cloud);
    // the build's buildspec override and variable override, with their types
    assertThat(p.path("source").path("buildspec").asText()).contains("npm test");
    assertThat(p.path("environment").path("environmentVariables").toString())
        .contains("{\"name\":\"LOG_LEVEL\",\"value\":\"debug\",\"type\":\"PLAINTEXT\"}")
        .contains(
            "{\"name\":\"NPM_TOKEN\",\"value\":\"/ci/npm-token\",\"type\":\"PARAMETER_STORE\"}");
    assertThat(p.path("timeoutInMinutes").asInt()).isEqualTo(30);
    assertThat(p.path("secondarySources").get(0).path("sourceVersion").asText())
        .isEqualTo("c0ffee0000000000000000000000000000000001");
    assertThat(p.has("webhook")).isFalse();
    assertThat(p.path("tags").get(0).path("key").asText()).isEqualTo("team");
    assertThat(Reproduction.runFlags(cloud))
        .containsExactly(
            "--project-name",
            "web",
            "--source-version",
            "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
            "--region",
            "eu-west-1",
            "--image-fallback");
    // the project file is one `run --project` reads, with the versions the build had
    var config = dev.localbuild.agent.project.ProjectFile.parse(p, null, "project");
    assertThat(config.environment().environmentVariables())
        .extracting(v -> v.name() + "=" + v.type())
        .contains("LOG_LEVEL=PLAINTEXT", "NPM_TOKEN=PARAMETER_STORE");
    assertThat(config.secondarySourceVersions())
        .containsEntry("shared", "c0ffee0000000000000000000000000000000001");
  }

  @Test
  void theReportNamesTheFirstDifferingPhaseTheVariablesAndTheFirstDifferingLine() throws Exception {
    CloudBuild cloud = read();
    ObjectNode here = cloud.build().deepCopy();
    ((ObjectNode) here.path("environment")).put("image", "localbuild/standard:latest");
    ((ObjectNode) here.path("environment").path("environmentVariables").get(1))
        .put("value", "info");
    ObjectNode build = (ObjectNode) here.path("phases").get(6);
    build.put("phaseStatus", "SUCCEEDED");
    build.putArray("contexts").addObject().put("statusCode", "").put("message", "");
    List<String> hereLog =
        List.of(
            "[Container] 2026/12/02 22:00:00.000001 Running on CodeBuild On-demand",
            "[Container] 2026/12/02 22:00:00.000002 Waiting for agent ping",
            "[Container] 2026/12/02 22:00:01.100345 Running command npm test",
            "> web@1.0.0 test",
            "> jest",
            "PASS src/app.test.js (4.2 s)");
    ReproduceReport r = ReproduceReport.of(cloud.build(), cloud.log(), here, hereLog);
    assertThat(r.same()).isFalse();
    assertThat(r.firstDifference().orElseThrow().phase()).isEqualTo("BUILD");
    assertThat(r.firstDifference().orElseThrow().cloud())
        .isEqualTo(
            "FAILED (COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1)");
    assertThat(r.variables())
        .containsExactly(new ReproduceReport.Variable("LOG_LEVEL", "debug", "info"));
    assertThat(r.image())
        .contains("aws/codebuild/standard:7.0 in the cloud, localbuild/standard:latest here");
    // times, and the durations in a line, are not differences; the test's outcome is
    assertThat(r.firstLogDifference().orElseThrow().cloudLine()).isEqualTo(6);
    var out = new java.io.ByteArrayOutputStream();
    r.print(new java.io.PrintStream(out, true, StandardCharsets.UTF_8), cloud.id(), "web:43");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("  BUILD              FAILED       SUCCEEDED   <- differs")
        .contains("cloud: COMMAND_EXECUTION_ERROR: Error while executing command: npm test.")
        .contains("variable LOG_LEVEL: debug in the cloud, info here")
        .contains("first difference: BUILD, FAILED in the cloud and SUCCEEDED here")
        .contains("    cloud 6: FAIL src/app.test.js (5.1 s)")
        .contains("    here  6: PASS src/app.test.js (4.2 s)");

    ReproduceReport same =
        ReproduceReport.of(cloud.build(), cloud.log(), cloud.build(), cloud.log());
    assertThat(same.same()).isTrue();
    assertThat(same.variables()).isEmpty();
    assertThat(same.firstLogDifference()).isEmpty();
  }

  @Test
  void aBuildThatIsNotThereIsSaidSo() throws Exception {
    aws.removeContext("/");
    aws.createContext(
        "/",
        x -> {
          byte[] out =
              (x.getRequestHeaders().getFirst("X-Amz-Target").endsWith("BatchGetBuilds")
                      ? "{\"builds\":[],\"buildsNotFound\":[\"web:nope\"]}"
                      : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
    var reader =
        new CloudBuildReader(
            new SignedJsonClient(endpoint, "eu-west-1", "codebuild", keys),
            new SignedJsonClient(endpoint, "eu-west-1", "logs", keys));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.read("web:nope"))
        .isInstanceOf(CloudBuildReader.NotFound.class)
        .hasMessage("no build web:nope there (BatchGetBuilds: buildsNotFound)");
    assertThat(CloudBuildReader.id("web:nope")).isEqualTo("web:nope");
  }
}
