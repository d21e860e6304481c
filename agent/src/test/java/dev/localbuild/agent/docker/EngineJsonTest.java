package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.Test;

class EngineJsonTest {
  @Test
  void referencesKeepTheirSlashesColonsAndAtsAndAnythingElseIsEncoded() {
    assertThat(EngineJson.escape("localhost:5000/team/app:1.2"))
        .isEqualTo("localhost:5000/team/app:1.2");
    assertThat(EngineJson.escape("debian@sha256:0a1b")).isEqualTo("debian@sha256:0a1b");
    assertThat(EngineJson.escape("a b?c&d#é")).isEqualTo("a%20b%3Fc%26d%23%C3%A9");
  }

  @Test
  void failuresAreDockerJavasOwnExceptionsWithTheEnginesAnswer() {
    String answer = "{\"message\":\"No such image: nope:latest\"}";
    DockerException notFound = EngineJson.failure(404, answer);
    assertThat(notFound).isInstanceOf(NotFoundException.class);
    assertThat(notFound.getHttpStatus()).isEqualTo(404);
    assertThat(notFound.getMessage()).contains("No such image: nope:latest");
    assertThat(EngineJson.failure(400, "x")).isInstanceOf(BadRequestException.class);
    assertThat(EngineJson.failure(409, "x")).isInstanceOf(ConflictException.class);
    assertThat(EngineJson.failure(500, "x")).isInstanceOf(InternalServerErrorException.class);
    DockerException other = EngineJson.failure(503, "busy");
    assertThat(other.getClass()).isEqualTo(DockerException.class);
    assertThat(other.getHttpStatus()).isEqualTo(503);
  }

  @Test
  void theEnginesStorageDecidesWhetherADiskSizeCanBeAsked() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(DiskQuota.probe(json.readTree("{\"Driver\": \"btrfs\"}"))).isTrue();
    assertThat(
            DiskQuota.probe(
                json.readTree(
                    "{\"Driver\": \"overlay2\", \"DriverStatus\": [[\"Backing Filesystem\","
                        + " \"xfs\"], [\"Supports d_type\", \"true\"]]}")))
        .isTrue();
    assertThat(
            DiskQuota.probe(
                json.readTree(
                    "{\"Driver\": \"overlay2\", \"DriverStatus\": [[\"Backing Filesystem\","
                        + " \"extfs\"]]}")))
        .isFalse();
    assertThat(DiskQuota.probe(json.readTree("{\"Driver\": \"overlay2\"}"))).isFalse();
    assertThat(DiskQuota.probe(json.readTree("{\"Driver\": \"vfs\"}"))).isFalse();
  }
}
