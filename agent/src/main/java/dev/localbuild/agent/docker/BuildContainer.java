package dev.localbuild.agent.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import dev.localbuild.runtime.shell.ShellQuote;
import dev.localbuild.runtime.shell.Supervisor;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A build's container as the engine creates it ({@code POST /containers/create}): the build's shell
 * as its main process, reading the build's commands from its standard input, and the limits, mounts
 * and network the build was given. Sent as a JSON tree ({@link EngineJson}): every build's start
 * waits for this request.
 */
final class BuildContainer {
  private BuildContainer() {}

  /** What is mounted where, and how the container is made, beyond the build's settings. */
  record Layout(
      String token,
      String sourceDir,
      Map<String, String> secondaryDirs,
      @Nullable String layerVolume,
      @Nullable String sidecar,
      boolean privileged) {}

  /**
   * Creates the container.
   *
   * @return its id
   */
  static String create(
      DockerClient docker,
      DockerProvisioner.Settings settings,
      String name,
      Map<String, String> labels,
      Layout layout) {
    boolean quota = settings.diskBytes() > 0 && DiskQuota.supported(docker);
    String path = "/containers/create?name=" + EngineJson.escape(name);
    try {
      return EngineJson.post(docker, path, body(settings, labels, layout, quota))
          .path("Id")
          .asText();
    } catch (DockerException e) {
      if (!quota || !String.valueOf(e.getMessage()).contains("storage-opt")) {
        throw e;
      }
      // overlay2 on xfs without pquota: the engine cannot bound the disk after all
      DiskQuota.refused();
      return EngineJson.post(docker, path, body(settings, labels, layout, false))
          .path("Id")
          .asText();
    }
  }

  /** The request's body, in the Engine API's names. */
  static ObjectNode body(
      DockerProvisioner.Settings settings,
      Map<String, String> labels,
      Layout layout,
      boolean diskQuota) {
    ObjectNode c = EngineJson.object();
    c.put("Image", settings.image());
    c.putArray("Entrypoint")
        .add("sh")
        .add("-c")
        // the source directory exists before the first command, copied into or not
        .add(
            (settings.mountSource()
                    ? ""
                    : "mkdir -p " + ShellQuote.quote(layout.sourceDir()) + "\n")
                + Supervisor.script(layout.token(), DockerProvisioner.SHELL_DIR, "/root"));
    c.putArray("Cmd");
    c.put("User", "0:0");
    c.put("WorkingDir", "/");
    ObjectNode l = c.putObject("Labels");
    labels.forEach(l::put);
    // the build's commands go to the shell's standard input, which stays open between them
    c.put("OpenStdin", true);
    c.put("StdinOnce", false);
    c.put("AttachStdin", true);
    c.put("AttachStdout", true);
    c.put("AttachStderr", true);
    c.put("Tty", false);
    if (layout.privileged() && layout.layerVolume() == null) {
      // the inner daemon's storage must not be the container's own overlay: an anonymous volume,
      // removed with the container
      c.putObject("Volumes").putObject("/var/lib/docker");
    }
    ObjectNode host = c.putObject("HostConfig");
    host.put("Init", true);
    host.put("Privileged", layout.privileged());
    var binds = host.putArray("Binds");
    if (settings.mountSource()) {
      binds.add(bind(settings.source().toAbsolutePath().toString(), layout.sourceDir()));
      settings
          .secondary()
          .forEach((id, p) ->
              binds.add(bind(p.toAbsolutePath().toString(), layout.secondaryDirs().get(id))));
    }
    if (layout.layerVolume() != null) {
      binds.add(bind(layout.layerVolume(), "/var/lib/docker"));
    }
    if (settings.customCacheVolume() != null) {
      binds.add(bind(settings.customCacheVolume(), DockerProvisioner.CUSTOM_CACHE_DIR));
    }
    if (settings.memoryBytes() > 0) {
      host.put("Memory", settings.memoryBytes());
    }
    if (settings.nanoCpus() > 0) {
      host.put("NanoCpus", settings.nanoCpus());
    }
    if (settings.pidsLimit() > 0) {
      // a fork bomb ends in the build's own cgroup: the host and other builds keep their processes
      host.put("PidsLimit", settings.pidsLimit());
    }
    if (diskQuota) {
      host.putObject("StorageOpt").put("size", Long.toString(settings.diskBytes()));
    }
    if (layout.sidecar() != null) {
      host.put("NetworkMode", "container:" + layout.sidecar());
    } else {
      host.putArray("ExtraHosts").add(DockerProvisioner.HOST_GATEWAY);
      if (settings.network() != null) {
        host.put("NetworkMode", settings.network());
      }
    }
    return c;
  }

  /** A bind mount, read-write, as {@code docker run -v} writes it. */
  private static String bind(String from, String to) {
    return from + ":" + to + ":rw";
  }
}
