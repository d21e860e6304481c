package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.sandbox.Workspace;
import dev.localbuild.runtime.shell.ShellSession;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A build running in a container: its shell is the container's main process, attached. */
final class DockerSandbox implements Sandbox {
  private final DockerClient docker;
  private final String containerId;
  private final String sourceDir;
  private final Map<String, String> secondary;
  private final String buildspecLocation;
  private final ShellSession shell;
  private final StdinPipe stdin;
  private final Closeable attach;
  private final ContainerWorkspace workspace;
  private final Map<String, String> variables;
  private final List<Runnable> cleanups = new ArrayList<>();
  private volatile boolean closed;

  DockerSandbox(
      DockerClient docker,
      String containerId,
      String sourceDir,
      Map<String, String> secondary,
      String buildspecLocation,
      ShellSession shell,
      StdinPipe stdin,
      Closeable attach,
      Map<String, String> variables) {
    this.docker = docker;
    this.containerId = containerId;
    this.sourceDir = sourceDir;
    this.secondary = secondary;
    this.buildspecLocation = buildspecLocation;
    this.shell = shell;
    this.stdin = stdin;
    this.attach = attach;
    this.workspace = new ContainerWorkspace(docker, containerId);
    this.variables = variables;
  }

  String containerId() {
    return containerId;
  }

  @Override
  public List<String> terminalPrefix() {
    return List.of("docker", "exec", "-it", containerId);
  }

  /** Something else to remove with the sandbox (a sidecar, a network), removed first. */
  void onClose(Runnable cleanup) {
    cleanups.add(0, cleanup);
  }

  @Override
  public String sourceDir() {
    return sourceDir;
  }

  @Override
  public Map<String, String> secondarySourceDirs() {
    return secondary;
  }

  @Override
  public void receiveSources(Map<String, Path> directories) throws IOException {
    List<SourceTar.Mapping> mappings = new ArrayList<>();
    directories.forEach((id, dir) ->
        mappings.add(new SourceTar.Mapping(dir, id.isEmpty() ? sourceDir : secondary.get(id))));
    try (InputStream tar = SourceTar.stream(mappings, List.of())) {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withTarInputStream(tar)
          .withRemotePath("/")
          .exec();
    }
  }

  @Override
  public String shellDir() {
    return DockerProvisioner.SHELL_DIR;
  }

  @Override
  public String buildspecLocation() {
    return buildspecLocation;
  }

  @Override
  public ShellSession shell() {
    return shell;
  }

  @Override
  public Workspace workspace() {
    return workspace;
  }

  @Override
  public Map<String, String> variables() {
    return variables;
  }

  @Override
  public Optional<String> diagnoseDeath() {
    try {
      InspectContainerResponse.ContainerState s =
          docker.inspectContainerCmd(containerId).exec().getState();
      if (Boolean.TRUE.equals(s.getOOMKilled())) {
        return Optional.of(
            "Build container died because it was out of memory (OOMKilled, exit code "
                + s.getExitCodeLong()
                + "). Give it more memory (a larger computeType, or more memory for Docker).");
      }
      if (!Boolean.TRUE.equals(s.getRunning())) {
        return Optional.of(
            "The build container exited with code "
                + s.getExitCodeLong()
                + (s.getError() == null || s.getError().isBlank() ? "" : ": " + s.getError()));
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("The build container is gone: " + e.getMessage());
    }
  }

  @Override
  public void kill() {
    try {
      docker.killContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      // already dead
    }
    shell.closed("the build container was stopped", null);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stdin.close();
    for (Runnable r : cleanups) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // keep removing the rest
      }
    }
    try {
      attach.close();
    } catch (Exception e) {
      // the container is removed below anyway
    }
    DockerProvisioner.remove(docker, containerId);
  }
}
