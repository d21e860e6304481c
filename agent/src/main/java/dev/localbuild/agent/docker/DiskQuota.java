package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
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

  static boolean supported(DockerClient docker) {
    Boolean s = supported;
    if (s == null) {
      s = probe(docker.infoCmd().exec());
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

  static boolean probe(Info info) {
    String driver = String.valueOf(info.getDriver());
    if (List.of("btrfs", "zfs", "devicemapper").contains(driver)) {
      return true;
    }
    if (!"overlay2".equals(driver) || info.getDriverStatuses() == null) {
      return false;
    }
    return info.getDriverStatuses().stream()
        .anyMatch(kv ->
            kv.size() == 2 && "Backing Filesystem".equals(kv.get(0)) && "xfs".equals(kv.get(1)));
  }
}
