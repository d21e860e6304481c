package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes what a dead agent left in Docker: containers, volumes and networks labelled with an owner
 * process on this host that no longer runs (an agent killed with SIGKILL, a crashed JVM). Never
 * touches anything without localbuild's labels, nor anything of a live agent.
 */
public final class StrayReaper {
  private final DockerClient docker;

  public StrayReaper(DockerClient docker) {
    this.docker = docker;
  }

  /**
   * @return the build ids whose leftovers were removed
   */
  public List<String> reap() {
    List<String> reaped = new ArrayList<>();
    for (Container c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(Labels.OWNER))
            .exec()) {
      if (stray(c.getLabels())) {
        DockerProvisioner.remove(docker, c.getId());
        reaped.add(c.getLabels().getOrDefault(Labels.BUILD, c.getId()));
      }
    }
    try {
      for (Network n : docker.listNetworksCmd().exec()) {
        if (n.getLabels() != null
            && n.getLabels().containsKey(Labels.OWNER)
            && stray(n.getLabels())) {
          docker.removeNetworkCmd(n.getId()).exec();
        }
      }
      var volumes =
          docker.listVolumesCmd().withFilter("label", List.of(Labels.OWNER)).exec().getVolumes();
      if (volumes != null) {
        for (var v : volumes) {
          if (v.getLabels() != null && stray(v.getLabels())) {
            docker.removeVolumeCmd(v.getName()).exec();
          }
        }
      }
    } catch (RuntimeException e) {
      // in use by another stray still being removed: next time
    }
    return reaped;
  }

  /**
   * Whether the owner is a process of this host that is gone: no process has its pid, or the one
   * that has it started at another time (the pid was reused, or a restarted container's pid 1).
   */
  static boolean stray(Map<String, String> labels) {
    String owner = labels.get(Labels.OWNER);
    if (owner == null) {
      return false;
    }
    int slash = owner.lastIndexOf('/');
    if (slash < 0 || !owner.substring(0, slash).equals(Labels.hostname())) {
      return false;
    }
    String process = owner.substring(slash + 1);
    int at = process.indexOf('@');
    // labels of agents before start times were written: the pid alone
    String started = at < 0 ? null : process.substring(at + 1);
    try {
      long pid = Long.parseLong(at < 0 ? process : process.substring(0, at));
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(p -> started != null && !started.isEmpty() && !started.equals(Labels.started(p)))
          .orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
