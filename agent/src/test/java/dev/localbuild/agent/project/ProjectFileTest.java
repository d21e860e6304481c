package dev.localbuild.agent.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ProjectFileTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Trimmed from `aws codebuild batch-get-projects` output. */
  static final String BATCH_GET_PROJECTS =
      """
      {"projects": [{
        "name": "web-app",
        "arn": "arn:aws:codebuild:eu-west-1:123456789012:project/web-app",
        "source": {"type": "GITHUB", "location": "https://github.com/example/web-app.git", "gitCloneDepth": 1,
                   "buildspec": "ci/buildspec.yml", "reportBuildStatus": false, "insecureSsl": false},
        "secondarySources": [{"type": "GITHUB", "location": "https://github.com/example/shared.git", "sourceIdentifier": "shared"}],
        "sourceVersion": "main",
        "artifacts": {"type": "S3", "location": "my-bucket", "path": "web", "namespaceType": "BUILD_ID", "name": "web.zip",
                      "packaging": "ZIP", "overrideArtifactName": true},
        "cache": {"type": "LOCAL", "modes": ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"]},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_MEDIUM",
          "environmentVariables": [
            {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"},
            {"name": "DB_PASSWORD", "value": "/web/db/password", "type": "PARAMETER_STORE"},
            {"name": "TOKEN", "value": "web/token:value", "type": "SECRETS_MANAGER"}],
          "privilegedMode": true, "imagePullCredentialsType": "CODEBUILD"},
        "serviceRole": "arn:aws:iam::123456789012:role/codebuild-web",
        "timeoutInMinutes": 30,
        "queuedTimeoutInMinutes": 480,
        "x-localbuild": {"cacheFrom": ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest"]}
      }], "projectsNotFound": []}
      """;

  @Test
  void readsBatchGetProjectsOutput() throws Exception {
    ProjectConfig p = ProjectFile.parse(JSON.readTree(BATCH_GET_PROJECTS), null, "p.json");
    assertThat(p.name()).isEqualTo("web-app");
    assertThat(p.source().isGit()).isTrue();
    assertThat(p.source().gitCloneDepth()).isEqualTo(1);
    assertThat(p.source().buildspec()).isEqualTo("ci/buildspec.yml");
    assertThat(p.secondarySources())
        .extracting(ProjectConfig.Source::sourceIdentifier)
        .containsExactly("shared");
    assertThat(p.sourceVersion()).isEqualTo("main");
    assertThat(p.environment().privilegedMode()).isTrue();
    assertThat(p.environment().computeType()).isEqualTo("BUILD_GENERAL1_MEDIUM");
    assertThat(p.environment().environmentVariables())
        .extracting(ProjectConfig.Variable::type)
        .containsExactly("PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER");
    assertThat(p.cache().has("LOCAL_DOCKER_LAYER_CACHE")).isTrue();
    assertThat(p.cache().has("LOCAL_CUSTOM_CACHE")).isFalse();
    assertThat(p.timeoutInMinutes()).isEqualTo(30);
    assertThat(p.artifacts().namespaceType()).isEqualTo("BUILD_ID");
    assertThat(p.localbuild().cacheFrom()).hasSize(1);
  }

  @Test
  void readsCreateProjectInput() throws Exception {
    ProjectConfig p =
        ProjectFile.parse(
            JSON.readTree(
                """
                {"name": "api", "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\\nphases:\\n  build:\\n    commands: [echo]\\n"},
                 "artifacts": {"type": "NO_ARTIFACTS"}, "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm",
                 "computeType": "BUILD_GENERAL1_SMALL"}, "cache": {"type": "S3", "location": "my-cache-bucket/api"}}
                """),
            null,
            "p.json");
    assertThat(p.cache().type()).isEqualTo("S3");
    assertThat(p.cache().location()).isEqualTo("my-cache-bucket/api");
    assertThat(p.source().buildspec()).startsWith("version: 0.2");
    assertThat(p.localbuild()).isEqualTo(ProjectConfig.Extensions.NONE);
  }

  @Test
  void mistakesNameTheFileAndKey() {
    assertThatThrownBy(() ->
            ProjectFile.parse(
                JSON.readTree(
                    "{\"name\":\"xx\",\"cache\":{\"type\":\"LOCAL\",\"modes\":[\"LOCAL_EVERYTHING\"]}}"),
                null,
                "p.json"))
        .hasMessageStartingWith("p.json: cache.modes: LOCAL_EVERYTHING is not one of");
    assertThatThrownBy(() ->
            ProjectFile.parse(
                JSON.readTree("{\"name\":\"xx\",\"cache\":{\"type\":\"S3\"}}"), null, "p.json"))
        .hasMessage("p.json: cache.location: an S3 cache needs a location (bucket[/prefix])");
    assertThatThrownBy(() ->
            ProjectFile.parse(
                JSON.readTree("{\"name\":\"xx\",\"timeoutInMinutes\":3}"), null, "p.json"))
        .hasMessageContaining("timeoutInMinutes: 3 is outside CodeBuild's 5 to 2160");
    assertThatThrownBy(() ->
            ProjectFile.parse(
                JSON.readTree("{\"projects\":[{\"name\":\"aa\"},{\"name\":\"bb\"}]}"),
                null,
                "p.json"))
        .hasMessageContaining("2 projects; name one with --project-name");
    assertThatThrownBy(() ->
            ProjectFile.parse(
                JSON.readTree(
                    "{\"name\":\"xx\",\"environment\":{\"environmentVariables\":"
                        + "[{\"name\":\"A\",\"value\":\"b\",\"type\":\"SSM\"}]}}"),
                null,
                "p.json"))
        .hasMessageContaining(
            "environment.environmentVariables: A: type SSM is not PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER");
  }

  @Test
  void artifactMistakesNameTheKey() {
    assertThatThrownBy(() -> parse("{\"name\":\"xx\",\"artifacts\":{\"type\":\"S3\"}}"))
        .hasMessage("p.json: artifacts.location: S3 artifacts need a bucket");
    assertThatThrownBy(() ->
            parse(
                "{\"name\":\"xx\",\"artifacts\":{\"type\":\"S3\",\"location\":\"b\","
                    + "\"packaging\":\"TAR\"}}"))
        .hasMessage("p.json: artifacts.packaging: TAR is not ZIP or NONE");
    assertThatThrownBy(() ->
            parse(
                "{\"name\":\"xx\",\"artifacts\":{\"type\":\"S3\",\"location\":\"b\","
                    + "\"namespaceType\":\"BUILD_NUMBER\"}}"))
        .hasMessage("p.json: artifacts.namespaceType: BUILD_NUMBER is not BUILD_ID or NONE");
    assertThatThrownBy(() ->
            parse(
                "{\"name\":\"xx\",\"secondaryArtifacts\":[{\"type\":\"S3\",\"location\":\"b\"}]}"))
        .hasMessage(
            "p.json: secondaryArtifacts: every secondary artifact needs an artifactIdentifier");
    assertThatThrownBy(() -> parse("{\"name\":\"xx\",\"artifacts\":{\"type\":\"FTP\"}}"))
        .hasMessage("p.json: artifacts.type: FTP is not S3, NO_ARTIFACTS or CODEPIPELINE");
  }

  @Test
  void anS3CacheKeepsItsNamespace() throws Exception {
    ProjectConfig p =
        parse(
            "{\"name\":\"xx\",\"cache\":{\"type\":\"S3\",\"location\":\"b/p\","
                + "\"cacheNamespace\":\"shared-npm\"}}");
    assertThat(p.cache().namespace()).isEqualTo("shared-npm");
  }

  static ProjectConfig parse(String json) throws Exception {
    return ProjectFile.parse(JSON.readTree(json), null, "p.json");
  }

  @Test
  void picksTheNamedProject() throws Exception {
    ProjectConfig p =
        ProjectFile.parse(
            JSON.readTree("{\"projects\":[{\"name\":\"aa\"},{\"name\":\"bb\"}]}"), "bb", "p.json");
    assertThat(p.name()).isEqualTo("bb");
  }

  @Test
  void aNameThatWouldLeaveTheStateDirectoryIsRefused() {
    assertThatThrownBy(() -> parse("{\"name\":\"../../tmp/x\"}"))
        .hasMessageContaining("name: '../../tmp/x' is not a CodeBuild project name");
  }

  @Test
  void anUnknownComputeTypeIsRefused() {
    assertThatThrownBy(
            () -> parse("{\"name\":\"ok\",\"environment\":{\"computeType\":\"BUILD_HUGE\"}}"))
        .hasMessageContaining("environment.computeType: BUILD_HUGE is not a compute type")
        .hasMessageContaining("BUILD_GENERAL1_SMALL");
  }

  @Test
  void computeTypesHaveCodeBuildsMemoryAndAProcessLimit() {
    var small = ComputeType.of("BUILD_GENERAL1_SMALL").orElseThrow();
    assertThat(small.memoryBytes()).isEqualTo(4L << 30);
    assertThat(small.vcpus()).isEqualTo(2);
    assertThat(small.pids()).isPositive();
    assertThat(ComputeType.of("BUILD_LAMBDA_2GB").orElseThrow().memoryBytes()).isEqualTo(2L << 30);
  }
}
