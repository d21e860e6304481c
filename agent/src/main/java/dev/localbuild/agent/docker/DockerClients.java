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

  /**
   * The TLS context of a client that talks to a unix socket: the client makes its TLS strategy even
   * then, and the JDK's context (its providers, an empty key and trust store) costs a run's start
   * about 30 ms of CPU. So it is made only if something uses it, which nothing does.
   */
  static javax.net.ssl.SSLContext noTls() {
    return new javax.net.ssl.SSLContext(new UnusedTls(), null, "TLS") {};
  }

  /** The TLS context {@link #noTls} hands out, made on first use (never, over a unix socket). */
  private static final class UnusedTls extends javax.net.ssl.SSLContextSpi {
    private javax.net.ssl.@org.jspecify.annotations.Nullable SSLContext made;

    private synchronized javax.net.ssl.SSLContext context() {
      if (made == null) {
        try {
          javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
          c.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
          made = c;
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException("TLS is not available", e);
        }
      }
      return made;
    }

    @Override
    protected void engineInit(
        javax.net.ssl.KeyManager[] km,
        javax.net.ssl.TrustManager[] tm,
        java.security.SecureRandom random) {
      // made with empty key and trust managers when used
    }

    @Override
    protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
      return context().getSocketFactory();
    }

    @Override
    protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
      return context().getServerSocketFactory();
    }

    @Override
    protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
      return context().createSSLEngine();
    }

    @Override
    protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
      return context().createSSLEngine(host, port);
    }

    @Override
    protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
      return context().getServerSessionContext();
    }

    @Override
    protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
      return context().getClientSessionContext();
    }
  }

  /**
   * The clients of an agent that builds: one for its builds, one for its housekeeping in the
   * background (the stray reaper, the disk-quota probe). Both go through the same connections; each
   * has its own JSON mapper, because Jackson makes the (de)serializers of a mapper's types under
   * one lock: a build's first request waited about 50 ms for those of the engine's {@code info} and
   * container, network and volume listings, which it never uses.
   */
  public record BuildClients(DockerClient builds, DockerClient housekeeping) {}

  /**
   * The default engine's clients for builds, which start learning what building on it needs to know
   * (in the background).
   */
  public static BuildClients forBuilds() {
    Made made = made();
    DockerClient housekeeping = DockerClientImpl.getInstance(made.config(), made.http());
    DiskQuota.learnInBackground(housekeeping);
    return new BuildClients(made.client(), housekeeping);
  }

  /** A client, with what it was made of. */
  private record Made(
      DockerClient client,
      DefaultDockerClientConfig config,
      com.github.dockerjava.transport.DockerHttpClient http) {}

  private static java.util.concurrent.@org.jspecify.annotations.Nullable CompletableFuture<Made>
      early;

  /**
   * Starts making the default engine's client on a thread of its own, for a command that will want
   * one: making it takes about a tenth of a second (docker-java's configuration, its HTTP client),
   * which the command line's own start can hide on a second core. The next {@link #create} takes
   * it.
   */
  public static synchronized void prepare() {
    if (early == null) {
      java.util.concurrent.CompletableFuture<Made> f =
          new java.util.concurrent.CompletableFuture<>();
      Thread.ofPlatform()
          .daemon()
          .name("localbuild-docker-client")
          .start(() -> {
            try {
              f.complete(fresh());
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
      early = f;
    }
  }

  /** A client for the default engine (the one {@link #prepare} began, if any). */
  public static DockerClient create() {
    return made().client();
  }

  private static Made made() {
    java.util.concurrent.CompletableFuture<Made> f;
    synchronized (DockerClients.class) {
      f = early;
      early = null;
    }
    if (f != null) {
      try {
        return f.join();
      } catch (java.util.concurrent.CompletionException e) {
        // made again below, where its error is the caller's
      }
    }
    return fresh();
  }

  private static Made fresh() {
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
    return new Made(DockerClientImpl.getInstance(config, http), config, http);
  }
}
