package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.localbuild.agent.aws.ImageDefinitions;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the deploy step reads from a build's artifact, and what it says when it cannot. */
class DeployStepTest {
  @TempDir Path tmp;

  DeployStep step(String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return new DeployStep(cmd.options, null, dev.localbuild.runtime.log.Progress.NONE);
  }

  void artifact(Map<String, String> files) throws Exception {
    try (OutputStream out = Files.newOutputStream(tmp.resolve("artifacts.zip"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  @Test
  void readsImagedefinitionsJsonFromTheArtifactsRoot() throws Exception {
    artifact(
        Map.of(
            "imagedefinitions.json",
            "[{\"name\":\"web\",\"imageUri\":\"repo/web:abc1234\"},"
                + "{\"name\":\"sidecar\",\"imageUri\":\"repo/log:1\"}]"));
    assertThat(step("--deploy", "c/s").images(tmp))
        .containsExactly(
            new ImageDefinitions.ImageDefinition("web", "repo/web:abc1234"),
            new ImageDefinitions.ImageDefinition("sidecar", "repo/log:1"));
  }

  @Test
  void anotherFileNameWithDeployFile() throws Exception {
    artifact(Map.of("deploy/images.json", "[{\"name\":\"web\",\"imageUri\":\"r:1\"}]"));
    assertThat(step("--deploy", "c/s", "--deploy-file", "deploy/images.json").images(tmp))
        .hasSize(1);
  }

  @Test
  void imageDetailJsonIsExplained() throws Exception {
    artifact(Map.of("imageDetail.json", "{\"ImageURI\":\"repo/web:1\"}"));
    assertThatThrownBy(() -> step("--deploy", "c/s").images(tmp))
        .hasMessageStartingWith("imageDetail.json is the input of ECS blue/green deployments")
        .hasMessageContaining("imagedefinitions.json: [{\"name\"");
  }

  @Test
  void noArtifactOrNoFileSaysWhatToAdd() throws Exception {
    assertThatThrownBy(() -> step("--deploy", "c/s").images(tmp))
        .hasMessageContaining("the build produced no artifact")
        .hasMessageContaining("add it to artifacts.files");
    artifact(Map.of("other.txt", "x"));
    assertThatThrownBy(() -> step("--deploy", "c/s").images(tmp))
        .hasMessage(
            "the build's artifact has no imagedefinitions.json at its root (add it to"
                + " artifacts.files)");
  }

  @Test
  void malformedDefinitionsSayWhereAndWhy() throws Exception {
    artifact(Map.of("imagedefinitions.json", "[{\"name\":\"web\"}]"));
    assertThatThrownBy(() -> step("--deploy", "c/s").images(tmp))
        .hasMessageStartingWith(
            "imagedefinitions.json[0] must have a \"name\" and an \"imageUri\"");
    artifact(Map.of("imagedefinitions.json", "{\"name\":\"web\"}"));
    assertThatThrownBy(() -> step("--deploy", "c/s").images(tmp))
        .hasMessageStartingWith("imagedefinitions.json must be a JSON array");
  }
}
