package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pull from a real registry reports its layers and bytes as it goes, outside the build's log, and
 * its end; the build's log gets the one line CodeBuild's would.
 */
@Timeout(300)
class ImagePullProgressIT {
  static DockerClient docker;
  static RegistryFixture registry;

  @BeforeAll
  static void start() throws Exception {
    docker = DockerClients.create();
    registry = new RegistryFixture(docker);
    // a layer no engine has: random bytes, so the pull downloads it
    byte[] noise = new byte[3 << 20];
    new java.util.Random().nextBytes(noise);
    var tar = new java.io.ByteArrayOutputStream();
    try (var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tar)) {
      DaemonStartIT.add(t, "Dockerfile", "FROM busybox:latest\nCOPY noise /noise\n", 0644);
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("noise");
      e.setSize(noise.length);
      t.putArchiveEntry(e);
      t.write(noise);
      t.closeArchiveEntry();
    }
    docker
        .buildImageCmd(new java.io.ByteArrayInputStream(tar.toByteArray()))
        .withTags(java.util.Set.of(LOCAL))
        .withLabels(Labels.of("pull-progress-test", "pull-progress-test", "test-image"))
        .exec(new com.github.dockerjava.api.command.BuildImageResultCallback())
        .awaitImageId();
    registry.seed(LOCAL, "progress/noise:1");
    docker.removeImageCmd(LOCAL).withForce(true).exec();
  }

  static final String LOCAL = "localbuild-test/pull-progress:1";

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void aPullShowsLayersAndBytesThenItsEnd() throws Exception {
    String image = registry.hostAddress() + "/progress/noise:1";
    List<String> updates = new ArrayList<>();
    List<String> ends = new ArrayList<>();
    List<LogLine> log = new ArrayList<>();
    Progress recorded =
        new Progress() {
          @Override
          public void update(String step, String state) {
            updates.add(step + ": " + state);
          }

          @Override
          public void done(String step, String state) {
            ends.add(step + ": " + state);
          }
        };
    try {
      new ImageResolver(docker, recorded).ensure(image, log::add);
      assertThat(log).extracting(LogLine::text).containsExactly("Pulling image " + image);
      assertThat(updates)
          .isNotEmpty()
          .allMatch(u -> u.startsWith("pulling " + image + ": "))
          .anyMatch(u -> u.matches(".*: 0/\\d+ layers.*"))
          .anyMatch(u -> u.matches(".*, [0-9.]+ (B|KiB|MiB) of [0-9.]+ (KiB|MiB)"));
      assertThat(ends).hasSize(1);
      assertThat(ends.get(0))
          .matches(
              "pulling "
                  + java.util.regex.Pattern.quote(image)
                  + ": done in [0-9.]+ s \\((\\d+)/\\1 layers, ([0-9.]+ \\w+) of \\2\\)");
    } finally {
      docker.removeImageCmd(image).withForce(true).exec();
    }
  }
}
