package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The create request of a build's container, in the Engine API's own names and shapes. */
class BuildContainerTest {
  static DockerProvisioner.Settings settings(
      boolean mount, long memory, long cpus, long pids, long disk, String network) {
    return new DockerProvisioner.Settings(
        "debian:bookworm",
        Path.of("/work/app"),
        SourceFiles.ALL,
        new LinkedHashMap<>(Map.of("lib", Path.of("/work/lib"))),
        BuildspecSource.inline("version: 0.2"),
        mount,
        false,
        memory,
        cpus,
        pids,
        disk,
        network,
        null,
        null,
        "localbuild-custom-cache-app",
        Duration.ofSeconds(60),
        Path.of("/state"),
        null);
  }

  static final Map<String, String> LABELS = Map.of("dev.localbuild.build", "app:1");

  @Test
  void aMountedBuildWithLimitsAsksForEachLimitAndMount() {
    JsonNode c =
        BuildContainer.body(
            settings(true, 4L << 30, 2_000_000_000L, 4096, 64L << 30, null),
            LABELS,
            new BuildContainer.Layout(
                "t0ken",
                "/codebuild/output/src1/src",
                Map.of("lib", "/codebuild/output/src1/lib"),
                null,
                null,
                false),
            true);
    assertThat(c.path("Image").asText()).isEqualTo("debian:bookworm");
    assertThat(c.path("Entrypoint").get(0).asText()).isEqualTo("sh");
    assertThat(c.path("Entrypoint").get(1).asText()).isEqualTo("-c");
    // mounted: the directory is there already, so the script does not make it
    assertThat(c.path("Entrypoint").get(2).asText()).doesNotStartWith("mkdir").contains("t0ken");
    assertThat(c.path("Cmd").isArray()).isTrue();
    assertThat(c.path("Cmd")).isEmpty();
    assertThat(c.path("User").asText()).isEqualTo("0:0");
    assertThat(c.path("WorkingDir").asText()).isEqualTo("/");
    assertThat(c.at("/Labels/dev.localbuild.build").asText()).isEqualTo("app:1");
    assertThat(c.path("OpenStdin").asBoolean()).isTrue();
    assertThat(c.path("StdinOnce").isBoolean()).isTrue();
    assertThat(c.path("StdinOnce").asBoolean()).isFalse();
    assertThat(c.path("AttachStdin").asBoolean()).isTrue();
    assertThat(c.path("Tty").asBoolean(true)).isFalse();
    assertThat(c.has("Volumes")).isFalse();
    JsonNode host = c.path("HostConfig");
    assertThat(host.path("Init").asBoolean()).isTrue();
    assertThat(host.path("Privileged").asBoolean(true)).isFalse();
    assertThat(host.path("Binds"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "/work/app:/codebuild/output/src1/src:rw",
            "/work/lib:/codebuild/output/src1/lib:rw",
            "localbuild-custom-cache-app:" + DockerProvisioner.CUSTOM_CACHE_DIR + ":rw");
    assertThat(host.path("Memory").asLong()).isEqualTo(4L << 30);
    assertThat(host.path("NanoCpus").asLong()).isEqualTo(2_000_000_000L);
    assertThat(host.path("PidsLimit").asLong()).isEqualTo(4096);
    assertThat(host.at("/StorageOpt/size").asText()).isEqualTo(Long.toString(64L << 30));
    assertThat(host.path("ExtraHosts"))
        .extracting(JsonNode::asText)
        .containsExactly("host.docker.internal:host-gateway");
    assertThat(host.has("NetworkMode")).isFalse();
  }

  @Test
  void noLimitAsksForNoneAndACopiedSourceMakesItsDirectoryFirst() {
    JsonNode c =
        BuildContainer.body(
            settings(false, 0, 0, 0, 64L << 30, "localbuild-net"),
            LABELS,
            new BuildContainer.Layout(
                "t0ken", "/codebuild/output/src 1/src", Map.of(), null, null, false),
            false);
    assertThat(c.path("Entrypoint").get(2).asText())
        .startsWith("mkdir -p '/codebuild/output/src 1/src'\n");
    JsonNode host = c.path("HostConfig");
    assertThat(host.path("Binds"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "localbuild-custom-cache-app:" + DockerProvisioner.CUSTOM_CACHE_DIR + ":rw");
    assertThat(host.has("Memory")).isFalse();
    assertThat(host.has("NanoCpus")).isFalse();
    assertThat(host.has("PidsLimit")).isFalse();
    // the engine cannot bound the disk: no size asked, or it refuses the container
    assertThat(host.has("StorageOpt")).isFalse();
    assertThat(host.path("NetworkMode").asText()).isEqualTo("localbuild-net");
  }

  @Test
  void aPrivilegedBuildGetsTheInnerDaemonsStorageAndASidecarsNetwork() {
    JsonNode anonymous =
        BuildContainer.body(
            settings(true, 0, 0, 0, 0, null),
            LABELS,
            new BuildContainer.Layout("t", "/src", Map.of(), null, "sidecar-id", true),
            false);
    assertThat(anonymous.at("/HostConfig/Privileged").asBoolean()).isTrue();
    assertThat(anonymous.path("Volumes").has("/var/lib/docker")).isTrue();
    assertThat(anonymous.at("/HostConfig/NetworkMode").asText()).isEqualTo("container:sidecar-id");
    assertThat(anonymous.at("/HostConfig").has("ExtraHosts")).isFalse();

    JsonNode cached =
        BuildContainer.body(
            settings(true, 0, 0, 0, 0, null),
            LABELS,
            new BuildContainer.Layout("t", "/src", Map.of(), "localbuild-layers-app-1", null, true),
            false);
    assertThat(cached.has("Volumes")).isFalse();
    assertThat(cached.at("/HostConfig/Binds"))
        .extracting(JsonNode::asText)
        .contains("localbuild-layers-app-1:/var/lib/docker:rw");
  }
}
