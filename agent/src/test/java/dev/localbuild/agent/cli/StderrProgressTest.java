package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StderrProgressTest {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

  String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onATerminalProgressIsOneLineRewrittenAndANoticeReplacesIt() {
    StderrProgress p = new StderrProgress(err, true, 60, clock);
    p.update("pulling debian:bookworm", "0/2 layers");
    p.update("pulling debian:bookworm", "1/2 layers"); // within 100 ms: not drawn
    p.accept("starting the local AWS");
    p.done("pulling debian:bookworm", "done in 1.0 s (2/2 layers)");
    assertThat(written())
        .isEqualTo(
            "\r\033[Klocalbuild: pulling debian:bookworm: 0/2 layers"
                + "\r\033[Klocalbuild: starting the local AWS\n"
                + "localbuild: pulling debian:bookworm: done in 1.0 s (2/2 layers)\n");
  }

  @Test
  void onATerminalALineNeverWrapsPastItsWidth() {
    StderrProgress p = new StderrProgress(err, true, 40, clock);
    p.update("building localbuild/standard", "Step 3/12 : RUN apt-get install -y build-essential");
    String drawn = written().substring("\r\033[K".length());
    assertThat(drawn).hasSize(39).endsWith("...");
  }

  @Test
  void elsewhereProgressIsPlainLines() {
    StderrProgress p = new StderrProgress(err, false, 60, clock);
    p.update("pulling busybox:latest", "0/1 layers");
    p.update("pulling busybox:latest", "1/1 layers"); // within five seconds: left out
    p.done("pulling busybox:latest", "done in 0.4 s (1/1 layers)");
    assertThat(written())
        .isEqualTo(
            "localbuild: pulling busybox:latest: 0/1 layers\n"
                + "localbuild: pulling busybox:latest: done in 0.4 s (1/1 layers)\n");
  }
}
