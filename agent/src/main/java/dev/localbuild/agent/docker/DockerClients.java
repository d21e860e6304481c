package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/**
 * Makes docker-java clients for the engine named by {@code DOCKER_HOST} (default: the local unix
 * socket). The API version is left to the engine: pinning one breaks older or newer daemons.
 */
public final class DockerClients {
  private DockerClients() {}

  /** A client for the default engine. */
  public static DockerClient create() {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(10))
            .maxConnections(64)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }
}
