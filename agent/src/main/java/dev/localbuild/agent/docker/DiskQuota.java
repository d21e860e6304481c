package dev.localbuild.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import java.util.List;

/**
 * Whether this Docker engine can bound a container's writable space ({@code --storage-opt size}).
 * overlay2 can only on xfs mounted with {@code pquota}; btrfs, zfs and devicemapper can; on ext4,
 * the usual case, nothing can, and a build may fill the engine's disk (README, Security). Asked
 * once per process: the engine's storage does not change under it.
 */
final class DiskQuota {
  private static volatile Boolean supported;

  private DiskQuota() {}

  /**
   * The answer, asked of the engine if no one has yet. Synchronized: a build that needs it while
   * the background question is still out waits for that answer instead of asking again.
   */
  static synchronized boolean supported(DockerClient docker) {
    Boolean s = supported;
    if (s == null) {
      // the engine's info as a tree (EngineJson): its data-bound type is dozens of classes to
      // introspect, while the first build's container is being made
      s = probe(EngineJson.get(docker, "/info"));
      supported = s;
    }
    return s;
  }

  /**
   * Asks the engine now, on another thread, so that the first build's container creation does not
   * wait for the answer (a tenth of a second on a busy engine).
   */
  static void learnInBackground(DockerClient docker) {
    if (supported == null) {
      // a platform thread: a virtual one blocking on the socket starts the JDK's I/O poller, a
      // thread in native code that the JVM's exit then waits 0.3 s for
      Thread.ofPlatform()
          .daemon()
          .name("localbuild-disk-quota")
          .start(() -> {
            try {
              supported(docker);
            } catch (RuntimeException e) {
              // asked again when a container is made, and reported there
            }
          });
    }
  }

  /** Learnt when the engine refused a size after all (overlay2 on xfs without pquota). */
  static void refused() {
    supported = false;
  }

  /** From the engine's {@code GET /info}: its storage driver and that driver's status pairs. */
  static boolean probe(JsonNode info) {
    String driver = info.path("Driver").asText();
    if (List.of("btrfs", "zfs", "devicemapper").contains(driver)) {
      return true;
    }
    if (!"overlay2".equals(driver)) {
      return false;
    }
    for (JsonNode kv : info.path("DriverStatus")) {
      if (kv.size() == 2
          && "Backing Filesystem".equals(kv.get(0).asText())
          && "xfs".equals(kv.get(1).asText())) {
        return true;
      }
    }
    return false;
  }
}
