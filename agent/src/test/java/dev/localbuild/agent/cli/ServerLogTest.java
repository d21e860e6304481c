package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.record.RecordJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ServerLogTest {
  @Test
  void credentialsAreMaskedWhateverTheFormat() {
    assertThat(
            ServerLog.masked(
                "web:1: cannot fetch https://bot:ghp_abc123XYZ@github.com/team/app.git: not found"))
        .isEqualTo("web:1: cannot fetch https://bot:***@github.com/team/app.git: not found");
    assertThat(ServerLog.masked("{\"accessKeyId\": \"AKIAX\", \"secretAccessKey\": \"wJalr/K7\"}"))
        .isEqualTo("{\"accessKeyId\": \"AKIAX\", \"secretAccessKey\": \"***\"}");
    assertThat(ServerLog.masked("login failed: password=hunter2 token: abc"))
        .isEqualTo("login failed: password=*** token: ***");
    assertThat(ServerLog.masked("serving CodeBuild's API on http://127.0.0.1:4591"))
        .isEqualTo("serving CodeBuild's API on http://127.0.0.1:4591");
  }

  @Test
  void jsonLinesCarryTimeLevelAndTheMaskedMessage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ServerLog log =
        new ServerLog(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            true,
            Clock.fixed(Instant.parse("2026-12-02T20:00:00Z"), ZoneOffset.UTC));
    log.accept("web:1: cannot store its record: password=x");
    var line = RecordJson.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(line.path("time").asText()).isEqualTo("2026-12-02T20:00:00Z");
    assertThat(line.path("level").asText()).isEqualTo("warn");
    assertThat(line.path("message").asText())
        .isEqualTo("web:1: cannot store its record: password=***");
  }
}
