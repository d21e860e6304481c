package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.localbuild.agent.aws.BuildCredentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * CodeBuild's credentials endpoint for a build container: {@code 169.254.170.2}, the address every
 * AWS SDK and the CLI ask when {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} is set. A small
 * container joins the build's network, takes that address on its loopback and serves the
 * credentials document, which is rewritten before the credentials expire. The keys never enter the
 * build's environment.
 */
final class CredentialsSidecar implements AutoCloseable {
  static final String ADDRESS = "169.254.170.2";
  static final String IMAGE = "busybox:latest";
  static final long REFRESH_MINUTES = 10;

  private final DockerClient docker;
  private final String containerId;
  private final String path;
  private final BuildCredentials credentials;
  private final ScheduledExecutorService refresh =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "localbuild-credentials");
        t.setDaemon(true);
        return t;
      });

  private CredentialsSidecar(
      DockerClient docker, String containerId, String path, BuildCredentials credentials) {
    this.docker = docker;
    this.containerId = containerId;
    this.path = path;
    this.credentials = credentials;
  }

  /** Starts the endpoint in the network of {@code networkOwner}. */
  static CredentialsSidecar start(
      DockerClient docker,
      ImageResolver images,
      String networkOwner,
      Map<String, String> labels,
      BuildCredentials credentials,
      dev.localbuild.runtime.log.LogSink log)
      throws Exception {
    images.ensure(IMAGE, log);
    String path = "/v2/credentials/" + UUID.randomUUID();
    String id =
        docker
            .createContainerCmd(IMAGE)
            .withEntrypoint(
                "sh",
                "-c",
                "ip addr add "
                    + ADDRESS
                    + "/32 dev lo 2>/dev/null; exec httpd -f -p "
                    + ADDRESS
                    + ":80 -h /www")
            .withCmd(List.of())
            .withLabels(labels)
            .withHostConfig(
                HostConfig.newHostConfig()
                    .withNetworkMode("container:" + networkOwner)
                    .withCapAdd(Capability.NET_ADMIN))
            .exec()
            .getId();
    CredentialsSidecar s = new CredentialsSidecar(docker, id, path, credentials);
    try {
      s.write();
      docker.startContainerCmd(id).exec();
    } catch (RuntimeException | IOException e) {
      s.close();
      throw e;
    }
    s.refresh.scheduleAtFixedRate(
        () -> {
          try {
            s.write();
          } catch (IOException | RuntimeException e) {
            // the next refresh tries again; the document in place is still valid for a while
          }
        },
        REFRESH_MINUTES,
        REFRESH_MINUTES,
        TimeUnit.MINUTES);
    return s;
  }

  private void write() throws IOException {
    byte[] doc = credentials.document().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
      TarArchiveEntry e = new TarArchiveEntry("www" + path);
      e.setSize(doc.length);
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      tar.write(doc);
      tar.closeArchiveEntry();
    }
    docker
        .copyArchiveToContainerCmd(containerId)
        .withTarInputStream(new ByteArrayInputStream(buf.toByteArray()))
        .withRemotePath("/")
        .exec();
  }

  /** The variable that points the build's SDKs here. */
  Map<String, String> variables() {
    return Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", path);
  }

  @Override
  public void close() {
    refresh.shutdownNow();
    DockerProvisioner.remove(docker, containerId);
  }
}
