package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepProgressTest {
  @Test
  void showsTheStepAndTheLastLineItPrinted() {
    StepProgress p = new StepProgress();
    assertThat(p.accept(" ---> 1234abcd\n")).isEmpty();
    assertThat(p.accept("Step 3/12 : RUN apt-get update\n"))
        .contains("Step 3/12 : RUN apt-get update");
    assertThat(p.accept(" ---> Running in 5678\n")).contains("Step 3/12 : RUN apt-get update");
    assertThat(
            p.accept("Get:1 http://deb.debian.org bookworm InRelease\nReading package lists...\n"))
        .contains("Step 3/12 : RUN apt-get update | Reading package lists...");
    assertThat(p.accept("Step 4/12 : COPY runtimes.yml /\n"))
        .contains("Step 4/12 : COPY runtimes.yml /");
  }

  @Test
  void longLinesAreShortened() {
    StepProgress p = new StepProgress();
    String shown = p.accept("Step 1/1 : RUN " + "x".repeat(300)).orElseThrow();
    assertThat(shown).hasSize(StepProgress.WIDTH).endsWith("...");
  }
}
