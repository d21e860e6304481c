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
            parse("-e", envFile.toString(), "--env", "B=flag", "-c"),
            Map.of("AWS_REGION", "eu-west-3", "HOME", "/x"));
    assertThat(overrides)
        .containsExactly(
            Map.entry("AWS_REGION", "eu-west-3"), Map.entry("A", "file"), Map.entry("B", "flag"));
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
}
