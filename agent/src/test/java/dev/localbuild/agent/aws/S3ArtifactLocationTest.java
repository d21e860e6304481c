package dev.localbuild.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.model.BuildIdentity;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The S3 keys of CodeBuild's ProjectArtifacts documentation, example by example. */
class S3ArtifactLocationTest {
  static final UUID ID = UUID.fromString("2f0c8a4e-1b2c-4d5e-8f90-123456789abc");
  static final BuildIdentity BUILD =
      new BuildIdentity("demo", ID, 7, "us-east-1", "123456789012", Instant.EPOCH, "me");

  static ProjectConfig.Artifacts s3(
      String location, String path, String namespace, String name, String packaging) {
    return s3(location, path, namespace, name, packaging, false);
  }

  static ProjectConfig.Artifacts s3(
      String location,
      String path,
      String namespace,
      String name,
      String packaging,
      boolean override) {
    return new ProjectConfig.Artifacts(
        "S3", location, path, namespace, name, packaging, override, null);
  }

  @Test
  void pathBuildIdAndName() {
    S3ArtifactLocation l =
        S3ArtifactLocation.of(
            s3("bucket", "MyArtifacts", "BUILD_ID", "MyArtifact.zip", "ZIP"), BUILD, null);
    assertThat(l.bucket()).isEqualTo("bucket");
    assertThat(l.key()).isEqualTo("MyArtifacts/" + ID + "/MyArtifact.zip");
    assertThat(l.zip()).isTrue();
    assertThat(l.arn()).isEqualTo("arn:aws:s3:::bucket/MyArtifacts/" + ID + "/MyArtifact.zip");
  }

  @Test
  void aSlashNameWithoutPathOrNamespaceIsTheBucketsRoot() {
    S3ArtifactLocation l =
        S3ArtifactLocation.of(s3("bucket", null, "NONE", "/", "NONE"), BUILD, null);
    assertThat(l.key()).isEmpty();
    assertThat(l.fileKey("dist/app.js")).isEqualTo("dist/app.js");
    assertThat(l.arn()).isEqualTo("arn:aws:s3:::bucket");
  }

  @Test
  void aSlashNameWithPathAndBuildIdIsTheBuildsFolder() {
    S3ArtifactLocation l =
        S3ArtifactLocation.of(s3("bucket", "MyArtifacts", "BUILD_ID", "/", "NONE"), BUILD, null);
    assertThat(l.key()).isEqualTo("MyArtifacts/" + ID);
    assertThat(l.fileKey("a.txt")).isEqualTo("MyArtifacts/" + ID + "/a.txt");
  }

  @Test
  void theBuildspecNameCountsOnlyWithOverrideArtifactName() {
    ProjectConfig.Artifacts plain = s3("bucket", "out", "NONE", "app.zip", "ZIP");
    assertThat(S3ArtifactLocation.of(plain, BUILD, "app-1.2.zip").key()).isEqualTo("out/app.zip");
    ProjectConfig.Artifacts override = s3("bucket", "out", "NONE", "app.zip", "ZIP", true);
    assertThat(S3ArtifactLocation.of(override, BUILD, "builds/7/app-1.2.zip").key())
        .isEqualTo("out/builds/7/app-1.2.zip");
    assertThat(S3ArtifactLocation.of(override, BUILD, null).key()).isEqualTo("out/app.zip");
  }

  @Test
  void aLocationWithAPathAndNoNameUsesTheProjectName() {
    S3ArtifactLocation l =
        S3ArtifactLocation.of(s3("bucket/team/x", null, null, null, null), BUILD, null);
    assertThat(l.bucket()).isEqualTo("bucket");
    assertThat(l.key()).isEqualTo("team/x/demo");
    assertThat(l.zip()).isTrue(); // ZIP is the default packaging
  }
}
