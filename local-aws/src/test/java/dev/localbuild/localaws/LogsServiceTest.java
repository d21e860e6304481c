package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogsServiceTest {
  @Test
  void withoutATokenTheTailIsReadUnlessFromTheHead() {
    assertThat(LogsService.page(25, 10, null, false)).isEqualTo(new LogsService.Page(15, 25));
    assertThat(LogsService.page(25, 10, null, true)).isEqualTo(new LogsService.Page(0, 10));
    assertThat(LogsService.page(3, 10, null, false)).isEqualTo(new LogsService.Page(0, 3));
  }

  @Test
  void tokensGoOnForwardsOrBackwards() {
    assertThat(LogsService.page(25, 10, "f/10", false)).isEqualTo(new LogsService.Page(10, 20));
    assertThat(LogsService.page(25, 10, "f/20", false)).isEqualTo(new LogsService.Page(20, 25));
    // at the end, the same token again: no events, as CloudWatch Logs answers at a stream's end
    assertThat(LogsService.page(25, 10, "f/25", false)).isEqualTo(new LogsService.Page(25, 25));
    assertThat(LogsService.page(25, 10, "b/15", false)).isEqualTo(new LogsService.Page(5, 15));
    assertThat(LogsService.page(25, 10, "b/5", false)).isEqualTo(new LogsService.Page(0, 5));
    assertThatThrownBy(() -> LogsService.page(25, 10, "garbage", false))
        .isInstanceOf(AwsError.class)
        .hasMessage("The specified nextToken is invalid.");
  }

  @Test
  void streamsAreNamedAsEcsNamesThem() throws Exception {
    var def =
        Json.MAPPER.readTree(
            """
            {"name": "web", "logConfiguration": {"logDriver": "awslogs",
              "options": {"awslogs-group": "/ecs/app", "awslogs-stream-prefix": "ecs"}}}
            """);
    assertThat(TaskLogs.stream(def, "0123abcd", "c0ffee"))
        .get()
        .isEqualTo(new String[] {"/ecs/app", "ecs/web/0123abcd"});
    var noPrefix =
        Json.MAPPER.readTree(
            """
            {"name": "web", "logConfiguration": {"logDriver": "awslogs",
              "options": {"awslogs-group": "/ecs/app"}}}
            """);
    assertThat(TaskLogs.stream(noPrefix, "0123abcd", "c0ffee"))
        .get()
        .isEqualTo(new String[] {"/ecs/app", "c0ffee"});
    var json =
        Json.MAPPER.readTree(
            "{\"name\": \"web\", \"logConfiguration\": {\"logDriver\": \"json-file\"}}");
    assertThat(TaskLogs.stream(json, "0123abcd", "c0ffee")).isEmpty();
  }

  @Test
  void engineLinesCarryTheirTime() {
    var e = TaskLogs.event("2026-12-02T19:00:01.250000000Z Error: no config");
    assertThat(e.timestamp())
        .isEqualTo(java.time.Instant.parse("2026-12-02T19:00:01.25Z").toEpochMilli());
    assertThat(e.message()).isEqualTo("Error: no config");
  }
}
