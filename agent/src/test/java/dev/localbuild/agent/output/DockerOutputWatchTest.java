package dev.localbuild.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.log.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerOutputWatchTest {
  final List<LogLine> passed = new ArrayList<>();
  final DockerOutputWatch watch = new DockerOutputWatch(passed::add);

  void out(String text) {
    watch.accept(new LogLine(Instant.EPOCH, LogLine.Source.STDOUT, text));
  }

  @Test
  void countsClassicBuilderCacheHits() {
    out("Step 1/3 : FROM busybox");
    out(" ---> 42830f1f66a2");
    out("Step 2/3 : RUN echo built > /built");
    out(" ---> Using cache");
    out("Step 3/3 : CMD cat /built");
    out(" ---> Running in 1234");
    assertThat(watch.layerCacheSummary())
        .isEqualTo("docker build: 1 of 3 steps from the layer cache");
    assertThat(passed).hasSize(6);
  }

  @Test
  void countsBuildKitCacheHits() {
    out("#5 [1/2] FROM docker.io/library/busybox");
    out("#6 [2/2] RUN echo hi");
    out("#6 CACHED");
    assertThat(watch.layerCacheSummary())
        .isEqualTo("docker build: 1 of 2 steps from the layer cache");
  }

  @Test
  void explainsTheDockerHubRateLimitOnce() {
    assertThat(watch.rateLimitHint()).isNull();
    assertThat(watch.layerCacheSummary()).isNull();
    out("Error response from daemon: toomanyrequests: You have reached your pull rate limit.");
    assertThat(watch.rateLimitHint()).contains("DOCKERHUB_USERNAME").contains("--registry-mirror");
  }

  @Test
  void aBaseImageThatCannotBePulledSuggestsARegistryMirror() {
    out("Step 1/3 : FROM node:20");
    assertThat(watch.unreachableHint()).isNull();
    // the classic builder, with no route to Docker Hub
    out(
        "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on"
            + " 10.0.0.2:53: no such host");
    assertThat(watch.unreachableHint())
        .contains("--registry-mirror URL")
        .contains("REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io registry:2");
  }

  @Test
  void buildKitsUnresolvableBaseImageSuggestsAMirrorToo() {
    out(
        "ERROR: failed to solve: node:20: failed to resolve source metadata for"
            + " docker.io/library/node:20: failed to do request: Head"
            + " \"https://registry-1.docker.io/v2/library/node/manifests/20\": dial tcp: i/o timeout");
    assertThat(watch.unreachableHint()).contains("--registry-mirror URL");
  }
}
