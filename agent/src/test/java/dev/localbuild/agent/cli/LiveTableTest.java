package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** run --batch's live table, on a terminal both stdout and stderr write to. */
class LiveTableTest {
  final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  final PrintStream terminal = new PrintStream(screen, true, StandardCharsets.UTF_8);
  Instant now = Instant.parse("2026-12-03T00:00:00Z");
  final java.time.InstantSource clock = () -> now;

  String take() {
    String s = screen.toString(StandardCharsets.UTF_8);
    screen.reset();
    return s;
  }

  @Test
  void theTableIsRedrawnInPlaceAndEverythingElseIsPrintedAboveIt() {
    LiveTable t = new LiveTable(terminal, terminal, 40, clock);
    t.show(List.of("  linux  IN_PROGRESS BUILD 1.0s", "  mac    waiting"));
    assertThat(take()).isEqualTo("  linux  IN_PROGRESS BUILD 1.0s\n  mac    waiting\n");

    // a build's log line: the table goes (two lines up, cleared), the line, the table again
    PrintStream log = t.log(System.out);
    log.println("[linux] hello");
    assertThat(take())
        .isEqualTo(
            "\033[2A\r\033[J[linux] hello\n  linux  IN_PROGRESS BUILD 1.0s\n  mac    waiting\n");

    // a notice and a slow step's progress too; the progress is a line under the table
    t.accept("[mac] Pulling image");
    assertThat(take()).startsWith("\033[2A\r\033[Jlocalbuild: [mac] Pulling image\n");
    t.update("pulling debian", "1/3 layers");
    assertThat(take()).endsWith("  mac    waiting\nlocalbuild: pulling debian: 1/3 layers\n");
    t.done("pulling debian", "done in 2.0s");
    assertThat(take())
        .isEqualTo(
            "\033[3A\r\033[Jlocalbuild: pulling debian: done in 2.0s\n"
                + "  linux  IN_PROGRESS BUILD 1.0s\n  mac    waiting\n");
  }

  @Test
  void changesCloserThanATenthOfASecondAreDrawnTogetherAndLongRowsAreCut() {
    LiveTable t = new LiveTable(terminal, null, 24, clock);
    t.show(List.of("  a  IN_PROGRESS BUILD 1.0s"));
    assertThat(take()).isEqualTo("  a  IN_PROGRESS BUI...\n");
    t.show(List.of("  a  SUCCEEDED"));
    assertThat(take()).isEmpty();
    now = now.plus(Duration.ofMillis(150));
    t.show(List.of("  a  SUCCEEDED 2.0s"));
    assertThat(take()).isEqualTo("\033[1A\r\033[J  a  SUCCEEDED 2.0s\n");
    // without stdout on the terminal, the log goes to stdout untouched
    PrintStream stdout = new PrintStream(new ByteArrayOutputStream());
    assertThat(t.log(stdout)).isSameAs(stdout);
    t.close();
    assertThat(take()).isEqualTo("\033[1A\r\033[J");
  }
}
