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

  /** The engine's address as docker-java resolves it (DOCKER_HOST, or the default socket). */
  public static String host() {
    return String.valueOf(
        DefaultDockerClientConfig.createDefaultConfigBuilder().build().getDockerHost());
  }

  /**
   * Whether a failure is the engine being out of reach (no socket, refused, timed out), as opposed
   * to an answer from it.
   */
  public static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  /** What to tell a user whose Docker engine cannot be reached. */
  public static String unreachableMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return "cannot reach the Docker engine at "
        + host()
        + " ("
        + root.getMessage()
        + "). Start it (systemctl start docker, or Docker Desktop), or set DOCKER_HOST to a running"
        + " engine; --executor host runs builds without Docker.";
  }

  private static javax.net.ssl.SSLContext noTls() {
    try {
      javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
      c.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
      return c;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }

  /**
   * A client for the default engine, which starts learning what building on it needs to know (in
   * the background).
   */
  public static DockerClient forBuilds() {
    DockerClient docker = create();
    DiskQuota.learnInBackground(docker);
    return docker;
  }

  /** A client for the default engine. */
  public static DockerClient create() {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    boolean socket = "unix".equals(config.getDockerHost().getScheme());
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            // the client makes a TLS context even for a unix socket, and the JDK's default one
            // reads the whole CA store (a tenth of a second of every run's start): an empty one
            .sslConfig(
                socket && config.getSSLConfig() == null
                    ? (com.github.dockerjava.transport.SSLConfig) DockerClients::noTls
                    : config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(10))
            .maxConnections(64)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }
}
