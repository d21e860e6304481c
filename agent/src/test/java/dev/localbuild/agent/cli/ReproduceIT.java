package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code localbuild reproduce} of a failed build of a {@code localbuild serve}: the same build runs
 * here at the commit it built (not the branch's newer one), fails in the same phase with the same
 * message, and the report names no difference; with a variable changed it names the variable and
 * the phase; a checkout given with -s stands in for the source at that commit, untouched.
 */
@Timeout(600)
class ReproduceIT {
  static final String BUILDSPEC =
      """
      version: 0.2
      phases:
        pre_build:
          commands:
            - echo "marker=$(cat marker.txt) foo=$FOO"
            - test "$FOO" = bar
        build:
          commands:
            - echo building
            - exit 3
      """;

  @TempDir Path tmp;
  LocalbuildProcess server;
  Path serverHome;

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
    if (serverHome != null) {
      ServeProcess.removeLocalAwsVolumes(serverHome);
    }
    // the reproductions' runs started the local AWS of their home (their builds' credentials)
    Path home = tmp.resolve("home");
    if (Files.isDirectory(home.resolve("aws"))) {
      assertThat(LocalbuildProcess.start(tmp, home, "aws", "stop", "--purge").waitFor()).isZero();
    }
  }

  @Test
  void aServedBuildIsReproducedAtItsCommitAndTheReportNamesWhatDiffers() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("buildspec.yml"), BUILDSPEC);
    Files.writeString(repo.resolve("marker.txt"), "one\n");
    SampleRepos.git(repo, "init", "-q");
    SampleRepos.git(repo, "add", "-A");
    SampleRepos.git(repo, "commit", "-q", "-m", "one");
    Map<String, String> git = ServeProcess.gitInsteadOf(repo, "https://github.com/team/rep.git");

    serverHome = Files.createDirectories(tmp.resolve("server-home"));
    server = LocalbuildProcess.start(tmp, serverHome, git, "serve", "--port", "0");
    String endpoint = ServeProcess.endpoint(server);
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, serverHome, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    JsonNode key = RecordJson.MAPPER.readTree(keys.out());
    String keyId = key.path("accessKeyId").asText();
    String secret = key.path("secretAccessKey").asText();
    ObjectNode environment =
        RecordJson.MAPPER
            .createObjectNode()
            .put("type", "LINUX_CONTAINER")
            .put("image", "debian:bookworm")
            .put("computeType", "BUILD_GENERAL1_SMALL");
    environment
        .putArray("environmentVariables")
        .addObject()
        .put("name", "FOO")
        .put("value", "bar")
        .put("type", "PLAINTEXT");
    ServeProcess.createProject(
        tmp,
        endpoint,
        keyId,
        secret,
        "rep",
        "{\"type\":\"GITHUB\",\"location\":\"https://github.com/team/rep.git\"}",
        environment.toString());
    ServeProcess.Cli started =
        ServeProcess.aws(
            tmp, endpoint, keyId, secret, "codebuild", "start-build", "--project-name", "rep");
    assertThat(started.exit()).as(started.err()).isZero();
    String id = started.json().path("build").path("id").asText();
    JsonNode cloud = null;
    for (int i = 0; i < 600; i++) {
      cloud =
          ServeProcess.aws(
                  tmp, endpoint, keyId, secret, "codebuild", "batch-get-builds", "--ids", id)
              .json()
              .path("builds")
              .get(0);
      if (cloud.path("buildComplete").asBoolean()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    assertThat(cloud.path("buildStatus").asText()).as(cloud.toString()).isEqualTo("FAILED");
    String commitOne = cloud.path("resolvedSourceVersion").asText();
    assertThat(commitOne).hasSize(40);

    // the branch moves on after the build
    Files.writeString(repo.resolve("marker.txt"), "two\n");
    SampleRepos.git(repo, "commit", "-q", "-am", "two");

    Map<String, String> client = new HashMap<>(git);
    client.put("AWS_ACCESS_KEY_ID", keyId);
    client.put("AWS_SECRET_ACCESS_KEY", secret);
    client.put("AWS_CONFIG_FILE", "/dev/null");
    client.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    Path home = Files.createDirectories(tmp.resolve("home"));

    LocalbuildProcess same =
        LocalbuildProcess.start(
            tmp, home, client, "reproduce", id, "--endpoint-url", endpoint, "--json", "same.json");
    assertThat(same.waitFor(5)).as(same.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(same.out()).contains("marker=one foo=bar").doesNotContain("marker=two");
    assertThat(same.err())
        .contains("localbuild: reproducing " + id + " (FAILED in the cloud, at " + commitOne + ")")
        .contains("  BUILD              FAILED       FAILED")
        .contains("COMMAND_EXECUTION_ERROR: Error while executing command: exit 3.")
        .contains("no difference: every phase ended here as it did in the cloud")
        .contains("the logs match line for line");
    JsonNode local = RecordJson.MAPPER.readTree(tmp.resolve("same.json").toFile());
    assertThat(local.path("resolvedSourceVersion").asText()).isEqualTo(commitOne);
    assertThat(local.path("projectName").asText()).isEqualTo("rep");

    LocalbuildProcess changed =
        LocalbuildProcess.start(
            tmp, home, client, "reproduce", id, "--endpoint-url", endpoint, "--env", "FOO=baz");
    assertThat(changed.waitFor(5)).as(changed.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(changed.err())
        .contains("  PRE_BUILD          SUCCEEDED    FAILED      <- differs")
        .contains("variable FOO: bar in the cloud, baz here")
        .contains("first difference: PRE_BUILD, SUCCEEDED in the cloud and FAILED here")
        .contains(": marker=one foo=bar")
        .contains(": marker=one foo=baz");

    // a checkout stands in for the source, at the build's commit; the checkout is not touched
    LocalbuildProcess fromCheckout =
        LocalbuildProcess.start(
            tmp, home, client, "reproduce", id, "--endpoint-url", endpoint, "-s", repo.toString());
    assertThat(fromCheckout.waitFor(5)).as(fromCheckout.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(fromCheckout.out()).contains("marker=one foo=bar");
    assertThat(fromCheckout.err()).contains("no difference");
    assertThat(Files.readString(repo.resolve("marker.txt"))).isEqualTo("two\n");
    assertThat(Files.list(home.resolve("reproduce")).map(p -> p.getFileName().toString()).toList())
        .allMatch(n -> n.endsWith(".json")); // the copies of the checkout are gone

    LocalbuildProcess missing =
        LocalbuildProcess.start(
            tmp, home, client, "reproduce", "rep:nope", "--endpoint-url", endpoint);
    assertThat(missing.waitFor(2)).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err())
        .isEqualTo("localbuild: no build rep:nope there (BatchGetBuilds: buildsNotFound)\n");
    assertThat(List.of(same, changed, fromCheckout)).allMatch(p -> !p.process.isAlive());
  }
}
