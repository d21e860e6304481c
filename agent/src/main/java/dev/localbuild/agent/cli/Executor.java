package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.DockerProvisioner;
import dev.localbuild.agent.docker.StandardImage;
import dev.localbuild.agent.docker.StrayReaper;
import dev.localbuild.agent.host.HostProvisioner;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.runtime.sandbox.Provisioner;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** The executor chosen with {@code --executor}, and what it holds open (a Docker client). */
final class Executor implements AutoCloseable {
  private final Provisioner provisioner;
  private final @Nullable DockerClient docker;

  private Executor(Provisioner provisioner, @Nullable DockerClient docker) {
    this.provisioner = provisioner;
    this.docker = docker;
  }

  Provisioner provisioner() {
    return provisioner;
  }

  static Executor create(RunOptions o, BuildSetup setup) throws BuildSetup.SetupException {
    switch (o.executor) {
      case "host" -> {
        return new Executor(
            new HostProvisioner(
                StateDir.resolve().resolve("work"),
                setup.source(),
                setup.secondary(),
                setup.request().buildspec().pathInSource(),
                o.mountSource,
                o.keep),
            null);
      }
      case "docker" -> {
        DockerClient docker = DockerClients.create();
        try {
          new StrayReaper(docker).reap();
        } catch (RuntimeException e) {
          // Docker is not reachable: PROVISIONING reports it, as part of the build
        }
        var settings =
            new DockerProvisioner.Settings(
                o.image,
                setup.source(),
                setup.secondary(),
                setup.request().buildspec(),
                o.mountSource,
                o.privileged,
                0,
                0,
                o.network);
        return new Executor(
            new DockerProvisioner(docker, settings, new StandardImage(docker)), docker);
      }
      default ->
          throw new BuildSetup.SetupException(
              "--executor " + o.executor + ": expected docker or host");
    }
  }

  @Override
  public void close() throws IOException {
    if (docker != null) {
      docker.close();
    }
  }
}
