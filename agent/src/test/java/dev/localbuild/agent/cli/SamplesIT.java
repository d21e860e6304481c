package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in {@code samples/} runs end to end through the packaged command line, and ends as
 * its {@code expected.properties} says (build status, phase statuses, artifacts, output, reports),
 * as act runs its testdata workflows.
 */
class SamplesIT {
  static final Path SAMPLES = Path.of("../samples").toAbsolutePath().normalize();
  @TempDir Path tmp;

  static Stream<String> samples() throws IOException {
    try (var dirs = Files.list(SAMPLES)) {
      return dirs
          .filter(d -> Files.exists(d.resolve("expected.properties")) && !runElsewhere(d))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /**
   * Samples that need more than one run (a deploy, then a rolling deploy) have a test of their own.
   */
  static boolean runElsewhere(Path sample) {
    try {
      return Files.readString(sample.resolve("expected.properties")).contains("runBy=");
    } catch (IOException e) {
      return false;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void runsAsExpected(String name) throws Exception {
    Properties expected = new Properties();
    try (Reader r = Files.newBufferedReader(SAMPLES.resolve(name).resolve("expected.properties"))) {
      expected.load(r);
    }
    Path home = Files.createDirectories(tmp.resolve("home"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-s",
                SAMPLES.resolve(name).toString(),
                "-i",
                expected.getProperty("image"),
                "-a",
                tmp.resolve("artifacts").toString(),
                "-r",
                tmp.resolve("reports").toString(),
                "--json",
                tmp.resolve("record.json").toString()));
    if (Boolean.parseBoolean(expected.getProperty("privileged", "false"))) {
      args.add("-d");
    }
    if (expected.getProperty("args") != null) {
      args.addAll(Arrays.asList(expected.getProperty("args").split(" ")));
    }
    LocalbuildProcess p = LocalbuildProcess.start(tmp, home, args.toArray(String[]::new));
    int exit = p.waitFor();
    String expectedStatus = expected.getProperty("buildStatus");
    assertThat(exit)
        .as("exit status; stderr:%n%s%nstdout:%n%s", p.err(), p.out())
        .isEqualTo(ExitCodes.of(dev.localbuild.runtime.model.StatusType.valueOf(expectedStatus)));

    JsonNode record = RecordJson.MAPPER.readTree(tmp.resolve("record.json").toFile());
    assertThat(record.path("buildStatus").asText()).isEqualTo(expectedStatus);
    Map<String, String> phases = new LinkedHashMap<>();
    record
        .path("phases")
        .forEach(ph -> phases.put(ph.path("phaseType").asText(), ph.path("phaseStatus").asText()));
    for (String pair : expected.getProperty("phases").split(",")) {
      String[] kv = pair.split(":");
      assertThat(phases).as("phases").containsEntry(kv[0], kv[1]);
    }
    if (expected.getProperty("artifacts") != null) {
      try (ZipFile zip = new ZipFile(tmp.resolve("artifacts/artifacts.zip").toFile())) {
        assertThat(zip.stream().map(e -> e.getName()).toList())
            .containsExactlyInAnyOrder(expected.getProperty("artifacts").split(","));
      }
    }
    if (expected.getProperty("output") != null) {
      assertThat(p.out()).contains(expected.getProperty("output"));
    }
    if (expected.getProperty("report") != null) {
      // group:total:skipped:failed:status
      String[] r = expected.getProperty("report").split(":");
      JsonNode report =
          RecordJson.MAPPER.readTree(tmp.resolve("reports").resolve(r[0] + ".json").toFile());
      assertThat(report.path("testSummary").path("total").asInt())
          .isEqualTo(Integer.parseInt(r[1]));
      assertThat(report.path("testSummary").path("statusCounts").path("SKIPPED").asInt())
          .isEqualTo(Integer.parseInt(r[2]));
      assertThat(report.path("testSummary").path("statusCounts").path("FAILED").asInt())
          .isEqualTo(Integer.parseInt(r[3]));
      assertThat(report.path("status").asText()).isEqualTo(r[4]);
    }
  }
}
