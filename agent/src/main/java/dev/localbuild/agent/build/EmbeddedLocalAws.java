package dev.localbuild.agent.build;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.localaws.LocalAwsProcess;
import dev.localbuild.localaws.LocalAwsServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Starts the local AWS inside a host's Vert.x (the build server's) instead of as a process of its
 * own: one JVM to run, watch and stop, and nothing left running when the server stops.
 */
final class EmbeddedLocalAws implements LocalAwsProcess.Starter, AutoCloseable {
  private final Vertx vertx;
  private final Supplier<DockerClient> docker;
  private final List<LocalAwsServer> started = new ArrayList<>();
  private final List<Path> stateDirs = new ArrayList<>();

  EmbeddedLocalAws(Vertx vertx, Supplier<DockerClient> docker) {
    this.vertx = vertx;
    this.docker = docker;
  }

  @Override
  public synchronized LocalAwsProcess.Running start(Path stateDir, String region)
      throws IOException, InterruptedException {
    LocalAwsServer server =
        new LocalAwsServer(
            new LocalAwsServer.Config(
                stateDir, region, LocalAwsProcess.ACCOUNT, LocalAwsServer.DEFAULT_PORT, false),
            docker.get(),
            vertx);
    try {
      server.start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    } catch (Exception e) {
      server.close();
      throw new IOException("the local AWS did not start: " + e.getMessage(), e);
    }
    started.add(server);
    stateDirs.add(stateDir);
    return new LocalAwsProcess.Running(
        ProcessHandle.current().pid(), server.port(), server.gateway(), region);
  }

  /**
   * Stops the local AWSes it started as {@code localbuild aws stop} does: their registries' and ECS
   * tasks' containers go (nothing of a stopped server keeps running on the engine); pushed images
   * and state stay for the next start.
   */
  @Override
  public synchronized void close() {
    started.forEach(LocalAwsServer::close);
    started.clear();
    for (Path dir : stateDirs) {
      try {
        LocalAwsProcess.removeContainers(docker.get(), dir);
      } catch (RuntimeException unreachable) {
        // Docker went away: the next start adopts or replaces them
      }
    }
    stateDirs.clear();
  }
}
