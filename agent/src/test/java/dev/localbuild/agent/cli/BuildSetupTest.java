package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BuildSetupTest {
  @TempDir Path tmp;

  RunOptions parse(String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.options;
  }

  @Test
  void timeoutsAreMinutesUnlessAUnitIsGiven() throws Exception {
    assertThat(BuildSetup.timeout(null)).isEqualTo(Duration.ofMinutes(60));
    assertThat(BuildSetup.timeout("15")).isEqualTo(Duration.ofMinutes(15));
    assertThat(BuildSetup.timeout("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(BuildSetup.timeout("2h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> BuildSetup.timeout("soon")).hasMessageContaining("--timeout soon");
  }

  @Test
  void commandLineVariablesLayerEnvFileThenEnvFlags() throws Exception {
    Path envFile = tmp.resolve("vars.env");
    Files.writeString(envFile, "A=file\nB=file\n");
    var overrides =
        BuildSetup.overrides(
            parse("-e", envFile.toString(), "--env", "B=flag", "-c", "-p", "dev"),
            Map.of(
                "AWS_REGION",
                "eu-west-3",
                "HOME",
                "/x",
                "AWS_ACCESS_KEY_ID",
                "AKIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY",
                "secret",
                "AWS_PROFILE",
                "other"));
    // with -c the build gets the region; its credentials come from an endpoint, not variables
    assertThat(overrides)
        .containsExactly(
            Map.entry("AWS_REGION", "eu-west-3"), Map.entry("A", "file"), Map.entry("B", "flag"));
  }

  @Test
  void deployFlagsAreCheckedBeforeTheBuild() {
    assertThatThrownBy(() ->
            BuildSetup.from(parse("-s", tmp.toString(), "--deploy", "just-a-service"), Map.of()))
        .hasMessage("--deploy just-a-service: expected CLUSTER/SERVICE");
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "--deploy", "c/s", "--deploy-timeout", "soon"),
                Map.of()))
        .hasMessageStartingWith("--deploy-timeout soon: expected a number of minutes");
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse(
                    "-s",
                    tmp.toString(),
                    "--deploy",
                    "c/s",
                    "--deploy-task-definition",
                    tmp.resolve("nope.json").toString()),
                Map.of()))
        .hasMessageEndingWith("nope.json: no such file");
  }

  @Test
  void awsEndpointsGoWithDashCAndAreUrls() {
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "--aws-endpoint", "http://localhost:4566"), Map.of()))
        .hasMessageContaining("--aws-endpoint goes with -c");
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "-c", "--aws-endpoint", "s3=localhost:4566"), Map.of()))
        .hasMessage(
            "--aws-endpoint s3=localhost:4566: expected URL or SERVICE=URL, e.g."
                + " s3=http://localhost:4566");
  }

  @Test
  void withDashCTheRegionCanComeFromTheProfile() throws Exception {
    Path config = tmp.resolve("aws-config");
    Files.writeString(
        config, "[default]\nregion = eu-north-1\n[profile dev]\nregion = ap-south-1\n");
    String before = System.getProperty("aws.configFile");
    System.setProperty("aws.configFile", config.toString());
    try {
      assertThat(BuildSetup.profileRegion(null, Map.of())).isEqualTo("eu-north-1");
      assertThat(BuildSetup.profileRegion("dev", Map.of())).isEqualTo("ap-south-1");
      assertThat(BuildSetup.profileRegion(null, Map.of("AWS_PROFILE", "dev")))
          .isEqualTo("ap-south-1");
      assertThat(BuildSetup.profileRegion("missing", Map.of())).isNull();
    } finally {
      if (before == null) {
        System.clearProperty("aws.configFile");
      } else {
        System.setProperty("aws.configFile", before);
      }
    }
  }

  @Test
  void badInputNamesTheFlag() {
    assertThatThrownBy(() -> BuildSetup.overrides(parse("--env", "novalue"), Map.of()))
        .hasMessage("--env novalue: expected NAME=VALUE");
    assertThatThrownBy(() -> BuildSetup.overrides(parse("-p", "dev"), Map.of()))
        .hasMessageContaining("needs -c");
    assertThatThrownBy(() -> BuildSetup.from(parse("-s", tmp.resolve("nope").toString()), Map.of()))
        .hasMessageContaining("no such directory");
    assertThatThrownBy(() -> BuildSetup.checkProjectName("-bad"))
        .hasMessageContaining("--project-name -bad");
  }

  @Test
  void sourcesAreAPrimaryAndIdentifiedSecondaries() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("app"));
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    BuildSetup s =
        BuildSetup.from(
            parse("-s", a.toString(), "-s", "shared_lib:" + lib),
            Map.of("AWS_DEFAULT_REGION", "ap-south-1"));
    assertThat(s.source()).isEqualTo(a);
    assertThat(s.secondary()).containsExactly(Map.entry("shared_lib", lib));
    assertThat(s.region()).isEqualTo("ap-south-1");
    assertThat(s.request().projectName()).isEqualTo("app");
    assertThat(s.request().buildspec().pathInSource()).isEqualTo("buildspec.yml");
    assertThat(s.request().secondarySources())
        .extracting(x -> x.identifier())
        .containsExactly("shared_lib");
  }

  @Test
  void projectNamesFollowCodeBuildsRules() {
    assertThat(BuildSetup.projectName(Path.of("/x/my app.v2"))).isEqualTo("my-app-v2");
    assertThat(BuildSetup.projectName(Path.of("/x/_a"))).isEqualTo("build-a");
  }

  @Test
  void aBuildspecOutsideTheSourceIsNotInIt() {
    assertThat(BuildSetup.buildspec(Path.of("/elsewhere/b.yml"), Path.of("/src")).pathInSource())
        .isNull();
    assertThat(BuildSetup.buildspec(null, Path.of("/src")).file())
        .isEqualTo(Path.of("/src/buildspec.yml"));
  }

  @Test
  void helpNamesEveryLocalAgentFlag() {
    String usage = new CommandLine(new RunCommand()).getUsageMessage();
    for (String flag :
        List.of(
            "-i,",
            "-a,",
            "-r,",
            "-s,",
            "-b,",
            "-e,",
            "-c",
            "-p,",
            "-m,",
            "-d,",
            "--json",
            "--executor",
            "--timeout")) {
      assertThat(usage).contains(flag);
    }
    assertThat(usage).contains("Exit status: 0 SUCCEEDED, 1 FAILED");
  }

  @Test
  void exitCodes() {
    assertThat(ExitCodes.of(dev.localbuild.runtime.StatusType.SUCCEEDED)).isZero();
    assertThat(ExitCodes.of(dev.localbuild.runtime.StatusType.FAILED)).isEqualTo(1);
    assertThat(ExitCodes.of(dev.localbuild.runtime.StatusType.FAULT)).isEqualTo(3);
    assertThat(ExitCodes.of(dev.localbuild.runtime.StatusType.TIMED_OUT)).isEqualTo(4);
    assertThat(ExitCodes.of(dev.localbuild.runtime.StatusType.STOPPED)).isEqualTo(130);
  }

  @Test
  void anUntrustedBuildGetsNoPrivilegesAndItsLimitsAreUsageErrors() throws Exception {
    Files.writeString(tmp.resolve("buildspec.yml"), "version: 0.2\n");
    BuildSetup s =
        BuildSetup.from(
            parse("-s", tmp.toString(), "--untrusted", "-d"), Map.of(), tmp.resolve("state"));
    assertThat(s.request().privilegedMode()).isFalse();
    assertThat(s.notes())
        .containsExactly(
            "untrusted build: no AWS credentials or secrets, no privileged mode (asked for,"
                + " refused), caches restored but not saved");
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "--untrusted", "--executor", "host"),
                Map.of(),
                tmp.resolve("state")))
        .hasMessageStartingWith("--untrusted needs --executor docker");
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "--untrusted", "--deploy", "c/s"),
                Map.of(),
                tmp.resolve("state")))
        .hasMessageStartingWith("--untrusted builds get no AWS");
  }

  @Test
  void aSourceVersionThatIsAnOptionIsAUsageError() {
    assertThatThrownBy(() ->
            BuildSetup.from(
                parse("-s", tmp.toString(), "--source-version", "--upload-pack=touch /tmp/x"),
                Map.of(),
                tmp.resolve("state")))
        .hasMessageStartingWith("--source-version: source version '--upload-pack=touch /tmp/x'");
  }

  /** A runner that reports a pull request green must have built the pull request's code. */
  @Test
  void sourceVersionBuildsThatVersionOfTheProjectsGitSource() throws Exception {
    Path repo = java.nio.file.Files.createDirectories(tmp.resolve("repo"));
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("buildspec.yml"), "version: 0.2\n");
    Files.writeString(repo.resolve("which.txt"), "main\n");
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "add", ".");
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "commit", "-q", "-m", "main");
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "checkout", "-q", "-b", "pr-branch");
    Files.writeString(repo.resolve("which.txt"), "pull request\n");
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "commit", "-q", "-am", "pr");
    dev.localbuild.agent.source.GitSourcesTest.git(repo, "checkout", "-q", "main");
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        "{\"name\": \"gitproj\", \"source\": {\"type\": \"GITHUB\", \"location\": \""
            + repo.toUri()
            + "\"}}");
    BuildSetup s =
        BuildSetup.from(
            parse("--project", project.toString(), "--source-version", "pr-branch"),
            Map.of(),
            tmp.resolve("state"));
    assertThat(s.source().resolve("which.txt")).hasContent("pull request");
    assertThat(s.request().primarySource().sourceVersion()).isEqualTo("pr-branch");
  }

  @Test
  void aBatchSectionIsSaidNotSilentlyIgnored() throws Exception {
    Files.writeString(
        tmp.resolve("buildspec.yml"),
        "version: 0.2\nbatch:\n  build-list:\n    - identifier: a\nphases:\n  build:\n"
            + "    commands: [echo hi]\n");
    BuildSetup s = BuildSetup.from(parse("-s", tmp.toString()), Map.of(), tmp.resolve("state"));
    assertThat(s.notes())
        .containsExactly(
            "the buildspec has a batch section: `localbuild run` runs it as one build, as"
                + " StartBuild does (batch builds, StartBuildBatch, are not run yet)");
  }
}
