package dev.localbuild.localaws;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real registry behind the local ECR: a {@code registry:2} container with its storage on a
 * named volume (images survive restarts), published on loopback only. It has no authentication of
 * its own: the local ECR's proxy checks the tokens in front of it.
 */
final class RegistryBackend {
  static final String IMAGE = "registry:2";

  private final DockerClient docker;
  private final String instance;
  private int port;

  /**
   * @param instance the local AWS's instance ({@link LocalAwsProcess#instance})
   */
  RegistryBackend(DockerClient docker, String instance) {
    this.docker = docker;
    this.instance = instance;
  }

  static String container(String instance) {
    return "localbuild-aws-registry-" + instance;
  }

  /**
   * The registry's own network: on Docker's default bridge, any build container could reach the
   * registry directly (no token, no policy); on a network of its own only the local AWS's proxy,
   * through the loopback port, does.
   */
  static String network(String instance) {
    return "localbuild-aws-" + instance;
  }

  static String volume(String instance) {
    return "localbuild-aws-registry-" + instance;
  }

  /** Starts the registry (or adopts the one already running) and waits until it answers. */
  void start() throws InterruptedException {
    String name = container(instance);
    InspectContainerResponse c;
    try {
      c = docker.inspectContainerCmd(name).exec();
      if (!network(instance).equals(c.getHostConfig().getNetworkMode())) {
        // made by a localbuild that put it on the default bridge: made again, images kept
        docker.removeContainerCmd(name).withForce(true).exec();
        throw new NotFoundException("re-created on its own network");
      }
      if (!Boolean.TRUE.equals(c.getState().getRunning())) {
        docker.startContainerCmd(name).exec();
        c = docker.inspectContainerCmd(name).exec();
      }
    } catch (NotFoundException e) {
      ensureNetwork();
      ensureVolume();
      ExposedPort p5000 = ExposedPort.tcp(5000);
      Ports ports = new Ports();
      ports.bind(p5000, Ports.Binding.bindIp("127.0.0.1"));
      docker
          .createContainerCmd(IMAGE)
          .withName(name)
          .withEnv(
              List.of("REGISTRY_HTTP_RELATIVEURLS=true", "REGISTRY_STORAGE_DELETE_ENABLED=true"))
          .withLabels(
              Map.of(
                  "dev.localbuild.role",
                  "local-aws-registry",
                  LocalAwsProcess.INSTANCE_LABEL,
                  instance))
          .withExposedPorts(p5000)
          .withHostConfig(
              HostConfig.newHostConfig()
                  .withPortBindings(ports)
                  .withNetworkMode(network(instance))
                  .withBinds(new Bind(volume(instance), new Volume("/var/lib/registry")))
                  .withRestartPolicy(
                      com.github.dockerjava.api.model.RestartPolicy.unlessStoppedRestart()))
          .exec();
      docker.startContainerCmd(name).exec();
      c = docker.inspectContainerCmd(name).exec();
    }
    Ports.Binding[] b = c.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(5000));
    port = Integer.parseInt(b[0].getHostPortSpec());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 100; i++) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(url("/v2/"))).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the local ECR's registry (" + name + ") did not answer on 127.0.0.1:" + port);
  }

  private void ensureNetwork() {
    try {
      docker.inspectNetworkCmd().withNetworkId(network(instance)).exec();
    } catch (NotFoundException e) {
      docker
          .createNetworkCmd()
          .withName(network(instance))
          .withDriver("bridge")
          .withLabels(Map.of(LocalAwsProcess.INSTANCE_LABEL, instance))
          .exec();
    }
  }

  /**
   * The registry's images live in a volume that outlasts the container (a stop keeps pushed
   * images); it carries the instance's label, so that a purge, or a test cleaning up after itself,
   * finds it.
   */
  private void ensureVolume() {
    try {
      docker.inspectVolumeCmd(volume(instance)).exec();
    } catch (NotFoundException e) {
      docker
          .createVolumeCmd()
          .withName(volume(instance))
          .withLabels(
              Map.of(
                  LocalAwsProcess.INSTANCE_LABEL,
                  instance,
                  "dev.localbuild.role",
                  "local-aws-registry"))
          .exec();
    }
  }

  int port() {
    return port;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
