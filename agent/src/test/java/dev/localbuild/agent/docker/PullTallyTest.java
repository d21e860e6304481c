package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PullTallyTest {
  @Test
  void countsLayersDoneAndBytesOfTheLayersBeingDownloaded() {
    PullTally t = new PullTally();
    t.accept("latest", "Pulling from library/debian", 0, 0);
    t.accept("a1", "Pulling fs layer", 0, 0);
    t.accept("b2", "Pulling fs layer", 0, 0);
    t.accept("c3", "Already exists", 0, 0);
    assertThat(t.summary()).isEqualTo("1/3 layers");
    t.accept("a1", "Downloading", 1024 * 1024, 4 * 1024 * 1024);
    t.accept("b2", "Downloading", 0, 1024 * 1024);
    assertThat(t.summary()).isEqualTo("1/3 layers, 1.0 MiB of 5.0 MiB");
    t.accept("a1", "Download complete", 0, 0);
    t.accept("a1", "Extracting", 100, 4 * 1024 * 1024);
    assertThat(t.summary()).isEqualTo("1/3 layers, 4.0 MiB of 5.0 MiB");
    t.accept("a1", "Pull complete", 0, 0);
    t.accept("b2", "Pull complete", 0, 0);
    t.accept(null, "Digest: sha256:0123", 0, 0);
    t.accept(null, "Status: Downloaded newer image for debian:bookworm", 0, 0);
    assertThat(t.summary()).isEqualTo("3/3 layers, 5.0 MiB of 5.0 MiB");
  }
}
