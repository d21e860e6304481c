package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.build.OrderResolver;
import dev.localbuild.agent.build.ResolvedOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineOrderTest {
  @TempDir Path tmp;

  RunOptions parse(String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.options;
  }

  /** The command line as the launcher resolves it, its errors worded with flags. */
  static ResolvedOrder resolve(RunOptions o, Map<String, String> env, Path state)
      throws CommandLineOrder.SetupException {
    CommandLineOrder c = CommandLineOrder.from(o, env, state);
    try {
      return new OrderResolver(state, n -> {}).resolve(c.order());
    } catch (OrderException e) {
      throw CommandLineOrder.worded(e);
    }
  }

  ResolvedOrder resolve(RunOptions o, Map<String, String> env)
      throws CommandLineOrder.SetupException {
    return resolve(o, env, tmp.resolve("state"));
  }

  @Test
  void timeoutsAreMinutesUnlessAUnitIsGiven() throws Exception {
    assertThat(CommandLineOrder.timeout(null)).isEqualTo(Duration.ofMinutes(60));
    assertThat(CommandLineOrder.timeout("15")).isEqualTo(Duration.ofMinutes(15));
    assertThat(CommandLineOrder.timeout("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(CommandLineOrder.timeout("2h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> CommandLineOrder.timeout("soon"))
        .hasMessageContaining("--timeout soon");
  }

  @Test
  void commandLineVariablesLayerEnvFileThenEnvFlags() throws Exception {
    Path envFile = tmp.resolve("vars.env");
    Files.writeString(envFile, "A=file\nB=file\n");
    var overrides =
        CommandLineOrder.overrides(
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
    assertThatThrownBy(
            () -> resolve(parse("-s", tmp.toString(), "--deploy", "just-a-service"), Map.of()))
        .hasMessage("--deploy just-a-service: expected CLUSTER/SERVICE");
    assertThatThrownBy(() ->
            resolve(
                parse("-s", tmp.toString(), "--deploy", "c/s", "--deploy-timeout", "soon"),
                Map.of()))
        .hasMessageStartingWith("--deploy-timeout soon: expected a number of minutes");
    assertThatThrownBy(() ->
            resolve(
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
            resolve(
                parse("-s", tmp.toString(), "--aws-endpoint", "http://localhost:4566"), Map.of()))
        .hasMessageContaining("--aws-endpoint goes with -c");
    assertThatThrownBy(() ->
            resolve(
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
      assertThat(CommandLineOrder.profileRegion(null, Map.of())).isEqualTo("eu-north-1");
      assertThat(CommandLineOrder.profileRegion("dev", Map.of())).isEqualTo("ap-south-1");
      assertThat(CommandLineOrder.profileRegion(null, Map.of("AWS_PROFILE", "dev")))
          .isEqualTo("ap-south-1");
      assertThat(CommandLineOrder.profileRegion("missing", Map.of())).isNull();
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
    assertThatThrownBy(() -> CommandLineOrder.overrides(parse("--env", "novalue"), Map.of()))
        .hasMessage("--env novalue: expected NAME=VALUE");
    assertThatThrownBy(() -> CommandLineOrder.overrides(parse("-p", "dev"), Map.of()))
        .hasMessageContaining("needs -c");
    assertThatThrownBy(() -> resolve(parse("-s", tmp.resolve("nope").toString()), Map.of()))
        .hasMessageContaining("no such directory");
    assertThatThrownBy(() -> resolve(parse("-s", tmp.toString(), "--project-name", "x"), Map.of()))
        .hasMessageStartingWith("--project-name x: a project name is");
  }

  @Test
  void sourcesAreAPrimaryAndIdentifiedSecondaries() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("app"));
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    ResolvedOrder s =
        resolve(
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
    assertThat(OrderResolver.projectName(Path.of("/x/my app.v2"))).isEqualTo("my-app-v2");
    assertThat(OrderResolver.projectName(Path.of("/x/_a"))).isEqualTo("build-a");
  }

  @Test
  void aBuildspecOutsideTheSourceIsNotInIt() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("b.yml"), "version: 0.2\n");
    Path src = Files.createDirectories(tmp.resolve("src"));
    // -b is relative to the current directory, not to the source
    assertThat(
            resolve(
                    parse("-s", src.toString(), "-b", elsewhere.resolve("b.yml").toString()),
                    Map.of())
                .request()
                .buildspec()
                .pathInSource())
        .isNull();
    assertThat(resolve(parse("-s", src.toString()), Map.of()).request().buildspec().file())
        .isEqualTo(src.resolve("buildspec.yml"));
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
    assertThat(ExitCodes.of(dev.localbuild.runtime.model.StatusType.SUCCEEDED)).isZero();
    assertThat(ExitCodes.of(dev.localbuild.runtime.model.StatusType.FAILED)).isEqualTo(1);
    assertThat(ExitCodes.of(dev.localbuild.runtime.model.StatusType.FAULT)).isEqualTo(3);
    assertThat(ExitCodes.of(dev.localbuild.runtime.model.StatusType.TIMED_OUT)).isEqualTo(4);
    assertThat(ExitCodes.of(dev.localbuild.runtime.model.StatusType.STOPPED)).isEqualTo(130);
  }

  @Test
  void anUntrustedBuildGetsNoPrivilegesAndItsLimitsAreUsageErrors() throws Exception {
    Files.writeString(tmp.resolve("buildspec.yml"), "version: 0.2\n");
    ResolvedOrder s =
        resolve(parse("-s", tmp.toString(), "--untrusted", "-d"), Map.of(), tmp.resolve("state"));
    assertThat(s.request().privilegedMode()).isFalse();
    assertThat(s.notes())
        .containsExactly(
            "untrusted build: no AWS credentials or secrets, no privileged mode (asked for,"
                + " refused), caches restored but not saved");
    assertThatThrownBy(() ->
            resolve(
                parse("-s", tmp.toString(), "--untrusted", "--executor", "host"),
                Map.of(),
                tmp.resolve("state")))
        .hasMessageStartingWith("--untrusted needs --executor docker");
    assertThatThrownBy(() ->
            resolve(
                parse("-s", tmp.toString(), "--untrusted", "--deploy", "c/s"),
                Map.of(),
                tmp.resolve("state")))
        .hasMessageStartingWith("--untrusted builds get no AWS");
  }

  @Test
  void aSourceVersionThatIsAnOptionIsAUsageError() {
    assertThatThrownBy(() ->
            resolve(
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
    ResolvedOrder s =
        resolve(
            parse("--project", project.toString(), "--source-version", "pr-branch"),
            Map.of(),
            tmp.resolve("state"));
    // fetched in DOWNLOAD_SOURCE, not before the build
    assertThat(s.source()).isEmptyDirectory();
    assertThat(s.request().primarySource().sourceVersion()).isEqualTo("pr-branch");
    var fetched = s.fetcher().fetch(null, line -> {});
    assertThat(fetched.directories().get("").resolve("which.txt")).hasContent("pull request");
    assertThat(fetched.primary().resolvedVersion()).matches("[0-9a-f]{40}");
    assertThat(fetched.buildspec().file())
        .isEqualTo(fetched.directories().get("").resolve("buildspec.yml"));
  }

  @Test
  void theRecordRepeatsTheProjectsRoleKeyAndCache() throws Exception {
    Files.writeString(tmp.resolve("buildspec.yml"), "version: 0.2\n");
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "web", "serviceRole": "builder",
         "cache": {"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE"]},
         "encryptionKey": "arn:aws:kms:eu-west-1:111122223333:key/abc"}
        """);
    var settings =
        resolve(parse("-s", tmp.toString(), "--project", project.toString()), Map.of())
            .request()
            .settings();
    assertThat(settings.serviceRole()).isEqualTo("arn:aws:iam::000000000000:role/builder");
    assertThat(settings.encryptionKey()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/abc");
    assertThat(settings.cache())
        .isEqualTo(
            new dev.localbuild.runtime.model.BuildSettings.Cache(
                "LOCAL", null, java.util.List.of("LOCAL_SOURCE_CACHE")));
  }

  @Test
  void aBatchSectionIsSaidNotSilentlyIgnored() throws Exception {
    Files.writeString(
        tmp.resolve("buildspec.yml"),
        "version: 0.2\nbatch:\n  build-list:\n    - identifier: a\nphases:\n  build:\n"
            + "    commands: [echo hi]\n");
    ResolvedOrder s = resolve(parse("-s", tmp.toString()), Map.of(), tmp.resolve("state"));
    assertThat(s.notes())
        .containsExactly(
            "the buildspec has a batch section: `localbuild run` runs it as one build, as"
                + " StartBuild does; `localbuild run --batch` runs its builds, as StartBuildBatch");
  }
}
