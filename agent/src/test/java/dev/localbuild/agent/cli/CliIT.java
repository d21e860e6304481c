package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code localbuild run} as a process: exit statuses, stdout, Ctrl-C, and a killed agent. */
class CliIT {
  @TempDir Path tmp;
  Path src;
  Path home;
  static DockerClient docker;

  @BeforeAll
  static void client() {
    docker = DockerClients.create();
  }

  @AfterAll
  static void close() throws IOException {
    docker.close();
  }

  @BeforeEach
  void dirs() throws IOException {
    src = Files.createDirectories(tmp.resolve("project"));
    home = Files.createDirectories(tmp.resolve("home"));
  }

  LocalbuildProcess run(String buildspec, String... args) throws IOException {
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    String[] all = new String[args.length + 3];
    all[0] = "run";
    all[1] = "-i";
    all[2] = "debian:bookworm";
    System.arraycopy(args, 0, all, 3, args.length);
    return LocalbuildProcess.start(src, home, all);
  }

  @Test
  void succeededIsZeroAndStdoutIsCodeBuildsLog() throws Exception {
    LocalbuildProcess p =
        run(
            """
            version: 0.2
            phases:
              build:
                commands: [echo hello]
            """,
            "--json",
            "record.json");
    assertThat(p.waitFor()).isZero();
    for (String line : p.out().split("\n")) {
      assertThat(line)
          .matches("\\[Container\\] \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} .*|hello|");
    }
    JsonNode record = RecordJson.MAPPER.readTree(src.resolve("record.json").toFile());
    assertThat(record.path("buildStatus").asText()).isEqualTo("SUCCEEDED");
    assertThat(record.path("projectName").asText()).isEqualTo("project");
    assertThat(record.path("phases").size()).isEqualTo(11);
    // what CodeBuild's record repeats of the project: with none, the buildspec's cache is kept
    // on this machine as an S3 cache keeps it, and the key is CodeBuild's default
    assertThat(record.path("cache").toString()).isEqualTo("{\"type\":\"S3\"}");
    assertThat(record.path("encryptionKey").asText())
        .isEqualTo("arn:aws:kms:us-east-1:000000000000:alias/aws/s3");
    assertThat(record.has("serviceRole")).isFalse();
    assertThat(p.err()).contains("SUCCEEDED");
  }

  @Test
  void aGitSourceGivesTheResolvedSourceVersion() throws Exception {
    git("init", "-q", "-b", "main");
    git("remote", "add", "origin", "https://github.com/example/app.git");
    Files.writeString(src.resolve("buildspec.yml"), "version: 0.2\n");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
    String head =
        new String(
                new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(src.toFile())
                    .start()
                    .getInputStream()
                    .readAllBytes())
            .strip();
    LocalbuildProcess p =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "resolved=$CODEBUILD_RESOLVED_SOURCE_VERSION version=$CODEBUILD_SOURCE_VERSION"
                  - echo "repo=$CODEBUILD_SOURCE_REPO_URL"
                  - git -C "$CODEBUILD_SRC_DIR" rev-parse HEAD >/dev/null 2>&1 || echo "(no git in the image)"
            """,
            "--source-version",
            "pr/42",
            "--json",
            "r.json");
    assertThat(p.waitFor()).isZero();
    assertThat(p.out())
        .contains("resolved=" + head + " version=pr/42", "repo=https://github.com/example/app.git");
    JsonNode record = RecordJson.MAPPER.readTree(src.resolve("r.json").toFile());
    assertThat(record.path("resolvedSourceVersion").asText()).isEqualTo(head);
    assertThat(record.path("sourceVersion").asText()).isEqualTo("pr/42");
  }

  @Test
  void aGitWorkTreeIsCopiedAsACloneOfItsCommitWouldHaveIt() throws Exception {
    String buildspec =
        """
        version: 0.2
        phases:
          build:
            commands:
              - ls -A | sort | tr '\\n' ' '; echo
              - cat tracked.txt
        """;
    git("init", "-q", "-b", "main");
    Files.writeString(src.resolve(".gitignore"), "*.log\n");
    Files.writeString(src.resolve("tracked.txt"), "committed\n");
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
    // after the commit: a change to a tracked file, untracked files, an ignored one
    Files.writeString(src.resolve("tracked.txt"), "changed, not committed\n");
    Files.writeString(src.resolve("untracked.txt"), "new\n");
    Files.createDirectories(src.resolve("newdir"));
    Files.writeString(src.resolve("newdir/x.txt"), "new\n");
    Files.writeString(src.resolve("debug.log"), "ignored\n");

    Path json = tmp.resolve("r.json");
    LocalbuildProcess clone = run(buildspec, "--json", json.toString());
    assertThat(clone.waitFor()).as(clone.err()).isZero();
    assertThat(clone.out())
        .contains(".git .gitignore buildspec.yml tracked.txt \n", "changed, not committed");
    assertThat(clone.err())
        .contains(
            "left out 2 untracked file(s) of "
                + src
                + ", as a clone of the commit would not have them (--include-untracked copies"
                + " them)");
    assertThat(RecordJson.MAPPER.readTree(json.toFile()).path("sourceDirty").asBoolean()).isTrue();
    // the image exactly: debian here is a local stand-in, so it is named by its id
    var image = docker.inspectImageCmd("debian:bookworm").exec();
    assertThat(RecordJson.MAPPER.readTree(json.toFile()).path("imageDigest").asText())
        .isEqualTo(
            image.getRepoDigests() == null || image.getRepoDigests().isEmpty()
                ? image.getId()
                : image.getRepoDigests().get(0));

    LocalbuildProcess untracked = run(buildspec, "--include-untracked");
    assertThat(untracked.waitFor()).as(untracked.err()).isZero();
    assertThat(untracked.out())
        .contains(".git .gitignore buildspec.yml newdir tracked.txt untracked.txt \n")
        .doesNotContain("debug.log");
    assertThat(untracked.err()).doesNotContain("left out");

    // committed, nothing left out: a clean tree
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "second");
    LocalbuildProcess clean = run(buildspec, "--json", json.toString());
    assertThat(clean.waitFor()).as(clean.err()).isZero();
    assertThat(RecordJson.MAPPER.readTree(json.toFile()).path("sourceDirty").asBoolean(true))
        .isFalse();
  }

  void git(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    assertThat(new ProcessBuilder(cmd).directory(src.toFile()).inheritIO().start().waitFor())
        .isZero();
  }

  @Test
  void failedIsOneAndTimedOutIsFour() throws Exception {
    assertThat(run("version: 0.2\nphases:\n  build:\n    commands: [exit 9]\n").waitFor())
        .isEqualTo(1);
    LocalbuildProcess yaml = run("version: 0.2\nphases:\n  artifacts:\n    commands: [x]\n");
    assertThat(yaml.waitFor()).isEqualTo(1);
    assertThat(yaml.out())
        .contains(
            "Phase context status code: YAML_FILE_ERROR Message: Invalid buildspec phase name: artifacts.");
    assertThat(
            run("version: 0.2\nphases:\n  build:\n    commands: [sleep 60]\n", "--timeout", "2s")
                .waitFor())
        .isEqualTo(4);
  }

  @Test
  void anUnreachableDockerEngineSaysWhereAndWhatToDo() throws Exception {
    Files.writeString(src.resolve("buildspec.yml"), "version: 0.2\n");
    LocalbuildProcess p =
        LocalbuildProcess.start(
            src,
            home,
            Map.of("DOCKER_HOST", "unix://" + tmp.resolve("no-docker.sock")),
            "run",
            "-i",
            "busybox:latest");
    assertThat(p.waitFor()).isEqualTo(3);
    assertThat(p.err())
        .contains(
            "PROVISIONING FAULT AGENT_ERROR: cannot reach the Docker engine at unix://"
                + tmp.resolve("no-docker.sock"))
        .contains("set DOCKER_HOST to a running engine; --executor host runs builds without Docker")
        .doesNotContain("SocketException");
  }

  @Test
  void usageErrorsAreTwoWithAOneLineMessage() throws Exception {
    LocalbuildProcess p = run("version: 0.2\n", "--executor", "vm");
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(p.err().strip()).isEqualTo("localbuild: --executor vm: expected docker or host");
    LocalbuildProcess q = run("version: 0.2\n", "--no-such-flag");
    assertThat(q.waitFor()).isEqualTo(2);
    assertThat(q.err()).contains("Unknown option: '--no-such-flag'").doesNotContain("Exception");
  }

  @Test
  void ctrlCStopsTheBuildRecordsItAndRemovesTheContainer() throws Exception {
    LocalbuildProcess p =
        run(
            "version: 0.2\nphases:\n  build:\n    commands: [echo started, sleep 120]\n",
            "--json",
            "r.json");
    awaitOutput(p, "started");
    new ProcessBuilder("kill", "-INT", Long.toString(p.process.pid())).start().waitFor();
    assertThat(p.waitFor()).isEqualTo(130);
    JsonNode record =
        RecordJson.MAPPER.readTree(home.resolve("projects/project/builds/1.json").toFile());
    assertThat(record.path("buildStatus").asText()).isEqualTo("STOPPED");
    assertThat(containers()).isZero();
  }

  @Test
  void aKilledAgentLeavesAFaultRecordAndNoContainer() throws Exception {
    LocalbuildProcess p =
        run("version: 0.2\nphases:\n  build:\n    commands: [echo started, sleep 120]\n");
    awaitOutput(p, "started");
    p.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(containers()).isEqualTo(1);
    LocalbuildProcess next = run("version: 0.2\nphases:\n  build:\n    commands: [echo next]\n");
    assertThat(next.waitFor()).isZero();
    assertThat(next.err()).contains("was left unfinished by a stopped agent; recorded as FAULT");
    JsonNode first =
        RecordJson.MAPPER.readTree(home.resolve("projects/project/builds/1.json").toFile());
    assertThat(first.path("buildStatus").asText()).isEqualTo("FAULT");
    assertThat(containers()).isZero();
  }

  long containers() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(Labels.PROJECT, "project"))
        .exec()
        .stream()
        .filter(c ->
            c.getLabels()
                .get(Labels.OWNER)
                .endsWith("/" + c.getLabels().get(Labels.OWNER).replaceAll(".*/", "")))
        .count();
  }

  static void awaitOutput(LocalbuildProcess p, String text) throws Exception {
    for (int i = 0; i < 600 && !p.out().contains(text); i++) {
      Thread.sleep(50);
    }
    assertThat(p.out()).contains(text);
  }
}
