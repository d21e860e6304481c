package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build leaves behind: {@code history}, {@code logs}, {@code rerun}, the record on stdout,
 * and the bound on what is kept.
 */
@Timeout(300)
class HistoryIT {
  @TempDir Path tmp;
  Path src;
  Path home;

  @BeforeEach
  void dirs() throws Exception {
    src = Files.createDirectories(tmp.resolve("hist"));
    home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        """
        version: 0.2
        env:
          variables:
            WHO: buildspec
        phases:
          build:
            commands:
              - echo "hello $WHO"
              - test "$FAIL" != yes
        """);
  }

  LocalbuildProcess localbuild(Map<String, String> env, String... args) throws Exception {
    return LocalbuildProcess.start(src, home, env, args);
  }

  @Test
  void everyBuildIsKeptWithItsLogAndCanBeRunAgain() throws Exception {
    LocalbuildProcess first =
        localbuild(Map.of(), "run", "-i", "debian:bookworm", "--env", "WHO=override");
    assertThat(first.waitFor()).isZero();
    LocalbuildProcess second =
        localbuild(Map.of(), "run", "-i", "debian:bookworm", "--env", "FAIL=yes");
    assertThat(second.waitFor()).isEqualTo(1);

    LocalbuildProcess history = localbuild(Map.of(), "history");
    assertThat(history.waitFor()).isZero();
    String[] lines = history.out().split("\n");
    assertThat(lines[0]).startsWith("BUILD").contains("STATUS", "SOURCE VERSION", "DURATION");
    assertThat(lines[1]).startsWith("hist:2").contains("FAILED");
    assertThat(lines[2]).startsWith("hist:1").contains("SUCCEEDED");

    // the log as the terminal showed it
    LocalbuildProcess logs = localbuild(Map.of(), "logs", "hist:1");
    assertThat(logs.waitFor()).isZero();
    assertThat(logs.out()).isEqualTo(first.out()).contains("hello override");

    // the same command again, from where it ran: a new build, the same result
    LocalbuildProcess rerun = localbuild(Map.of(), "rerun", "hist:1");
    assertThat(rerun.waitFor()).isZero();
    assertThat(rerun.out()).contains("hello override");
    assertThat(rerun.err()).contains("rerunning hist:1", "(build #3)");

    LocalbuildProcess missing = localbuild(Map.of(), "logs", "hist:99");
    assertThat(missing.waitFor()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("no build hist:99 is kept (see: localbuild history)");
  }

  @Test
  void theRecordCanGoToStdoutAfterTheLogAsBatchGetBuildsAnswers() throws Exception {
    LocalbuildProcess p =
        localbuild(
            Map.of(),
            "run",
            "-i",
            "debian:bookworm",
            "--env",
            "WHO=override",
            "--json",
            "-",
            "--json-shape",
            "batch-get-builds");
    assertThat(p.waitFor()).isZero();
    String out = p.out();
    JsonNode response = RecordJson.MAPPER.readTree(out.substring(out.indexOf("{\n")));
    assertThat(response.path("buildsNotFound").isArray()).isTrue();
    JsonNode build = response.path("builds").get(0);
    assertThat(build.path("buildStatus").asText()).isEqualTo("SUCCEEDED");
    assertThat(out.indexOf("hello override")).isLessThan(out.indexOf("{\n"));
  }

  @Test
  void keptBuildsAreBounded() throws Exception {
    Map<String, String> keepTwo = Map.of("LOCALBUILD_KEEP_BUILDS", "2");
    for (int i = 0; i < 3; i++) {
      assertThat(localbuild(keepTwo, "run", "-i", "debian:bookworm").waitFor()).isZero();
    }
    Path builds = home.resolve("projects/hist/builds");
    assertThat(builds.resolve("1.json")).doesNotExist();
    assertThat(home.resolve("projects/hist/logs/1.log")).doesNotExist();
    assertThat(home.resolve("projects/hist/artifacts/1")).doesNotExist();
    assertThat(builds.resolve("2.json")).exists();
    assertThat(builds.resolve("3.json")).exists();
  }
}
