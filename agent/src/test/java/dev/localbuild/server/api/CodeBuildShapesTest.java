package dev.localbuild.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.LauncherConfig;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.ProjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of the server's API, checked against the model of the AWS CLI's own botocore: what
 * the CLI and the SDKs parse is what CodeBuild sends. No Docker: builds are queued, not run.
 */
class CodeBuildShapesTest {
  static ServiceModel codebuild;
  static ServiceModel logs;

  @TempDir Path data;
  Database db;
  BuildLauncher launcher;
  CodeBuildApi api;
  LogsApi logsApi;
  BuildStore builds;

  @BeforeAll
  static void models() throws Exception {
    codebuild = ServiceModel.botocore("codebuild", "2016-10-06");
    logs = ServiceModel.botocore("logs", "2014-03-28");
  }

  @BeforeEach
  void server() throws Exception {
    db = Database.open(data, null);
    builds = new BuildStore(db);
    launcher =
        new BuildLauncher(
            new LauncherConfig(
                data,
                LauncherConfig.Executor.DOCKER,
                false,
                false,
                null,
                LauncherConfig.Aws.LOCAL));
    BuildService service =
        new BuildService(launcher, builds, 1, "eu-west-1", "000000000000", m -> {});
    api = new CodeBuildApi(new ProjectStore(db), builds, service, "eu-west-1", "000000000000");
    logsApi = new LogsApi(builds);
  }

  @AfterEach
  void close() throws Exception {
    launcher.close();
    db.close();
  }

  JsonNode call(String operation, String json) throws Exception {
    JsonNode out =
        ApiShapes.wire(
            api.call(operation, (ObjectNode) RecordJson.MAPPER.readTree(json), "AKIATEST"));
    assertThat(codebuild.checkOutput(operation, out)).as(operation + ": " + out).isEmpty();
    return out;
  }

  @Test
  void projectsAndQueuedBuildsAreInCodeBuildsShapes() throws Exception {
    call(
        "CreateProject",
        """
        {"name": "web", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nphases:\\n  build:\\n    commands: [echo hi]\\n"},
         "artifacts": {"type": "NO_ARTIFACTS"},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL",
                         "environmentVariables": [{"name": "A", "value": "1", "type": "PLAINTEXT"}]},
         "serviceRole": "arn:aws:iam::000000000000:role/localbuild-build", "timeoutInMinutes": 30}
        """);
    JsonNode got = call("BatchGetProjects", "{\"names\": [\"web\", \"nope\"]}");
    assertThat(got.path("projects").get(0).path("arn").asText())
        .isEqualTo("arn:aws:codebuild:eu-west-1:000000000000:project/web");
    assertThat(got.path("projectsNotFound").get(0).asText()).isEqualTo("nope");
    assertThat(call("ListProjects", "{}").path("projects").get(0).asText()).isEqualTo("web");
    call("UpdateProject", "{\"name\": \"web\", \"timeoutInMinutes\": 20}");

    JsonNode build =
        call(
                "StartBuild",
                """
                {"projectName": "web", "sourceVersion": "main", "idempotencyToken": "t-1",
                 "environmentVariablesOverride": [{"name": "A", "value": "2"}], "timeoutInMinutesOverride": 10}
                """)
            .path("build");
    String id = build.path("id").asText();
    assertThat(build.path("currentPhase").asText()).isEqualTo("QUEUED");
    assertThat(build.path("timeoutInMinutes").asInt()).isEqualTo(10);
    // the same token within five minutes: the same build
    assertThat(
            call("StartBuild", "{\"projectName\": \"web\", \"idempotencyToken\": \"t-1\"}")
                .path("build")
                .path("id")
                .asText())
        .isEqualTo(id);
    assertThat(
            call("BatchGetBuilds", "{\"ids\": [\"" + id + "\", \"web:nope\"]}")
                .path("buildsNotFound")
                .get(0)
                .asText())
        .isEqualTo("web:nope");
    assertThat(
            call("ListBuildsForProject", "{\"projectName\": \"web\"}").path("ids").get(0).asText())
        .isEqualTo(id);
    call("ListBuilds", "{}");
    JsonNode stopped = call("StopBuild", "{\"id\": \"" + id + "\"}").path("build");
    assertThat(stopped.path("buildStatus").asText()).isEqualTo("STOPPED");
    assertThat(stopped.path("buildComplete").asBoolean()).isTrue();

    JsonNode events =
        ApiShapes.wire(
            logsApi.call(
                "GetLogEvents",
                (ObjectNode)
                    RecordJson.MAPPER.readTree(
                        "{\"logGroupName\": \"/aws/codebuild/web\", \"logStreamName\": \""
                            + id.substring(4)
                            + "\", \"startFromHead\": true}")));
    assertThat(logs.checkOutput("GetLogEvents", events)).isEmpty();
    assertThat(events.path("nextForwardToken").asText()).isEqualTo("f/0");

    JsonNode deleted = call("BatchDeleteBuilds", "{\"ids\": [\"" + id + "\"]}");
    assertThat(deleted.path("buildsDeleted").get(0).asText()).endsWith(":build/" + id);
    call("DeleteProject", "{\"name\": \"web\"}");
  }

  @Test
  void badRequestsAreCodeBuildsErrors() throws Exception {
    assertThatThrownBy(() -> call("StartBuild", "{\"projectName\": \"nope\"}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("ResourceNotFoundException"))
        .hasMessage(
            "Project cannot be found: arn:aws:codebuild:eu-west-1:000000000000:project/nope");
    assertThatThrownBy(() -> call("CreateProject", "{\"name\": \"x\"}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("InvalidInputException"))
        .hasMessageContaining("Value null at 'source'");
    assertThatThrownBy(() -> call("Frobnicate", "{}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo("UnknownOperationException"));
    call(
        "CreateProject",
        "{\"name\": \"web\", \"source\": {\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\"},"
            + " \"artifacts\": {\"type\": \"NO_ARTIFACTS\"}, \"environment\": {\"type\": \"LINUX_CONTAINER\","
            + " \"image\": \"debian:bookworm\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}, \"serviceRole\": \"r\"}");
    assertThatThrownBy(() ->
            call(
                "CreateProject",
                "{\"name\": \"web\", \"source\": {\"type\": \"NO_SOURCE\", \"buildspec\": \"version: 0.2\"},"
                    + " \"artifacts\": {\"type\": \"NO_ARTIFACTS\"}, \"environment\": {\"type\": \"LINUX_CONTAINER\","
                    + " \"image\": \"debian:bookworm\", \"computeType\": \"BUILD_GENERAL1_SMALL\"}, \"serviceRole\": \"r\"}"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.type()).isEqualTo("ResourceAlreadyExistsException"));
    assertThatThrownBy(
            () -> call("StartBuild", "{\"projectName\": \"web\", \"timeoutInMinutesOverride\": 3}"))
        .hasMessageContaining("Member must have value between 5 and 2160");
    assertThatThrownBy(() ->
            call(
                "StartBuild",
                "{\"projectName\": \"web\", \"environmentVariablesOverride\": [{\"name\": \"A\", \"value\": \"1\", \"type\": \"NOPE\"}]}"))
        .hasMessageContaining("Member must satisfy enum value set");
  }
}
