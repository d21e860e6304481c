package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CuratedImagesTest {
  @Test
  void namesMapToTheDirectoriesOfAwsDockerfiles() {
    assertThat(CuratedImages.dockerfileDir("aws/codebuild/standard:7.0"))
        .contains(Path.of("ubuntu/standard/7.0"));
    assertThat(CuratedImages.dockerfileDir("aws/codebuild/amazonlinux-x86_64-standard:5.0"))
        .contains(Path.of("al/x86_64/standard/5.0"));
    assertThat(CuratedImages.dockerfileDir("aws/codebuild/amazonlinux2-aarch64-standard:3.0"))
        .contains(Path.of("al2/aarch64/standard/3.0"));
    assertThat(CuratedImages.dockerfileDir("aws/codebuild/windows-base:2019-3.0")).isEmpty();
    assertThat(CuratedImages.isCurated("debian:bookworm")).isFalse();
  }

  @Test
  void theMessageSaysHowToBuildItAndWhatElseToDo() {
    assertThat(CuratedImages.missing("aws/codebuild/standard:7.0", "localbuild/standard:latest"))
        .contains("is one of CodeBuild's curated images, which AWS publishes to no registry")
        .contains(
            "localbuild image build --from aws-codebuild-docker-images aws/codebuild/standard:7.0")
        .contains("ubuntu/standard/7.0")
        .contains("localbuild/standard:latest, with --image-fallback");
  }
}
