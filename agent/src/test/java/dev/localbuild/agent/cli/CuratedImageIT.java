package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.localbuild.agent.docker.DockerClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CodeBuild curated image that is not on this machine: the run stops before the build and says
 * how to build it; `image build --from` builds it from AWS's Dockerfiles. Versions 0.x are used so
 * that a real curated image on the engine is never touched.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CuratedImageIT {
  @TempDir Path tmp;

  @Test
  void withImageFallbackItRunsOnTheStandardImageAndSaysSo() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("fallback"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands: [echo ran]\n");
    LocalbuildProcess p =
        LocalbuildProcess.start(
            src,
            home,
            "run",
            "-i",
            "aws/codebuild/standard:0.8",
            "--image-fallback",
            "--json",
            tmp.resolve("r.json").toString());
    assertThat(p.waitFor(8)).as(p.err()).isZero();
    assertThat(p.err())
        .contains(
            "localbuild: aws/codebuild/standard:0.8 is not on this machine; running on"
                + " localbuild/standard:latest (--image-fallback)");
    assertThat(p.out()).contains("ran");
    assertThat(
            dev.localbuild.agent.record.RecordJson.MAPPER
                .readTree(tmp.resolve("r.json").toFile())
                .at("/environment/image")
                .asText())
        .isEqualTo("localbuild/standard:latest");
  }

  @Test
  void aMissingCuratedImageSaysHowToBuildItThenBuildsAndRuns() throws Exception {
    String image = "aws/codebuild/standard:0.9";
    Path src = Files.createDirectories(tmp.resolve("curated"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands: [cat /etc/curated]\n");
    try (DockerClient docker = DockerClients.create()) {
      try {
        LocalbuildProcess missing = LocalbuildProcess.start(src, home, "run", "-i", image);
        assertThat(missing.waitFor()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err())
            .contains(image + " is one of CodeBuild's curated images")
            .contains("localbuild image build --from aws-codebuild-docker-images " + image)
            .doesNotContain("Exception");

        // a checkout of AWS's repository, as far as this image is concerned
        Path checkout = tmp.resolve("aws-codebuild-docker-images");
        Path dir = Files.createDirectories(checkout.resolve("ubuntu/standard/0.9"));
        Files.writeString(
            dir.resolve("Dockerfile"),
            "FROM busybox:latest\nRUN echo from-aws-dockerfile > /etc/curated\n");
        LocalbuildProcess build =
            LocalbuildProcess.start(
                src, home, "image", "build", "--from", checkout.toString(), image);
        assertThat(build.waitFor()).as(build.err()).isZero();
        assertThat(build.err()).contains("localbuild: building " + image).contains("Step 2/2");

        LocalbuildProcess run = LocalbuildProcess.start(src, home, "run", "-i", image);
        assertThat(run.waitFor()).as(run.err()).isZero();
        assertThat(run.out()).contains("from-aws-dockerfile");
      } finally {
        try {
          docker.removeImageCmd(image).withForce(true).exec();
        } catch (NotFoundException never) {
          // not built
        }
      }
    }
  }
}
