package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build daemon that does not come up fails PROVISIONING with its own log, and leaves nothing. */
class DaemonStartIT {
  static DockerClient docker;
  static final String BROKEN = "localbuild-test/broken-dockerd:1";

  @BeforeAll
  static void image() throws Exception {
    docker = DockerClients.create();
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      add(
          t,
          "Dockerfile",
          "FROM busybox:latest\nCOPY dockerd /usr/bin/dockerd\nCOPY dockerd /usr/bin/docker\n",
          0644);
      add(
          t,
          "dockerd",
          "#!/bin/sh\necho 'failed to start daemon: Error initializing network controller: iptables not found' >&2\nexit 1\n",
          0755);
    }
    docker
        .buildImageCmd(new ByteArrayInputStream(tar.toByteArray()))
        .withTags(Set.of(BROKEN))
        .exec(new BuildImageResultCallback())
        .awaitImageId();
  }

  static void add(TarArchiveOutputStream t, String name, String content, int mode)
      throws Exception {
    byte[] b = content.getBytes();
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    e.setMode(0100000 | mode);
    t.putArchiveEntry(e);
    t.write(b);
    t.closeArchiveEntry();
  }

  @AfterAll
  static void close() throws Exception {
    docker.removeImageCmd(BROKEN).withForce(true).exec();
    docker.close();
  }

  @Test
  void theFailureShowsTheDaemonsLog(@TempDir Path src) throws Exception {
    Files.writeString(src.resolve("buildspec.yml"), "version: 0.2\n");
    var settings =
        new DockerProvisioner.Settings(
            BROKEN,
            src,
            SourceFiles.ALL,
            Map.of(),
            BuildspecSource.file(src.resolve("buildspec.yml"), "buildspec.yml"),
            false,
            true,
            0,
            0,
            0,
            0,
            null,
            null,
            null,
            null,
            Duration.ofSeconds(3),
            src.resolve("state"),
            null);
    var provisioner = new DockerProvisioner(docker, settings, new ImageResolver(docker));
    var id =
        new BuildIdentity(
            "broken-daemon",
            UUID.randomUUID(),
            1,
            "us-east-1",
            "000000000000",
            Instant.now(),
            "it");
    ProvisioningException e =
        catchThrowableOfType(
            ProvisioningException.class, () -> provisioner.provision(id, l -> {}, l -> {}));
    assertThat(e).isNotNull();
    assertThat(e.userError()).isTrue();
    assertThat(e.getMessage())
        .startsWith("Timed out trying to connect to internal docker host after 3s.")
        .contains(
            "failed to start daemon: Error initializing network controller: iptables not found");
    assertThat(
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(Labels.PROJECT, "broken-daemon"))
                .exec())
        .isEmpty();
  }
}
