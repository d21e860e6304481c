package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.localbuild.cache.VolumePool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * LOCAL_DOCKER_LAYER_CACHE: the build's Docker daemon keeps its storage ({@code /var/lib/docker})
 * on a per-project volume that outlives the build, so the next build's {@code docker build} finds
 * its layers. A busy project gets a second volume rather than sharing a live one, and the volumes'
 * total size stays under a limit by removing the least recently used.
 */
public final class LayerCacheVolumes {
  static final String LABEL = "dev.localbuild.cache";

  private final DockerClient docker;
  private final VolumePool pool;
  private final long limitBytes;

  public LayerCacheVolumes(DockerClient docker, Path stateDir, long limitBytes) {
    this.docker = docker;
    this.pool = VolumePool.of(stateDir.resolve("cache").resolve("docker-layer-volumes"));
    this.limitBytes = limitBytes;
  }

  /** Takes a volume for a build of the project, creating it if new. */
  public String acquire(String project) {
    String prefix = "localbuild-dlc-" + project.toLowerCase().replaceAll("[^a-z0-9_.-]", "-");
    String name = pool.acquire(project, prefix, ProcessHandle.current().pid()).name();
    try {
      docker.inspectVolumeCmd(name).exec();
    } catch (NotFoundException e) {
      // no owner label: a cache volume is meant to outlive the agent that made it
      docker
          .createVolumeCmd()
          .withName(name)
          .withLabels(Map.of(LABEL, "docker-layer", Labels.PROJECT, project))
          .exec();
    }
    return name;
  }

  /**
   * Gives the volume back and removes the least recently used volumes over the limit.
   *
   * @param sizeBytes the volume's size now, or -1 when it could not be measured
   * @return the volumes removed
   */
  public List<String> release(String name, long sizeBytes) {
    long size =
        sizeBytes >= 0
            ? sizeBytes
            : pool.entries().stream()
                .filter(e -> e.name().equals(name))
                .mapToLong(VolumePool.Entry::sizeBytes)
                .findFirst()
                .orElse(0);
    List<String> evicted = pool.release(name, size, limitBytes);
    for (String v : evicted) {
      try {
        docker.removeVolumeCmd(v).exec();
      } catch (NotFoundException e) {
        // already gone
      } catch (RuntimeException e) {
        pool.forget(v); // in use by something else: leave it, forget it
      }
    }
    return evicted;
  }
}
