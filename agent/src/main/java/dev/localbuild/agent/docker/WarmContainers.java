package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.runtime.shell.Supervisor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server's warm start: for each recently used image (and compute type), one build container
 * already created and started, its supervisor waiting, so a build that wants it does not pay for
 * the container's creation. A build takes it, and another is made in the background after the build
 * has its own. Only plain builds use them: not privileged, source copied (not mounted), the default
 * network, no custom cache volume. Warm containers carry the agent's owner label, so a dead
 * server's are reaped like any stray.
 */
public final class WarmContainers implements AutoCloseable {
  /** Images (and compute types) kept warm at once: the least recently used goes first. */
  static final int MAX_KEPT = 4;

  /** What makes two builds' containers interchangeable before a build has touched them. */
  record Key(String image, long memoryBytes, long nanoCpus, long pidsLimit, long diskBytes) {
    /** The key of a build's settings, or empty when such a build is not made warm. */
    static Optional<Key> of(DockerProvisioner.Settings s) {
      if (s.privileged()
          || s.mountSource()
          || s.network() != null
          || s.customCacheVolume() != null
          || s.layerCache() != null) {
        return Optional.empty();
      }
      return Optional.of(
          new Key(s.image(), s.memoryBytes(), s.nanoCpus(), s.pidsLimit(), s.diskBytes()));
    }
  }

  /**
   * A started container whose supervisor has had no command yet.
   *
   * @param root its {@code /codebuild/output/src<digits>} directory
   */
  record Warm(String containerId, String token, String root) {}

  private final DockerClient docker;
  private final Map<Key, Warm> ready = new LinkedHashMap<>(8, 0.75f, true);
  private final Set<Key> making = new HashSet<>();
  private final ExecutorService maker =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("localbuild-warm-containers").daemon().factory());
  private boolean closed;

  public WarmContainers(DockerClient docker) {
    this.docker = docker;
  }

  /** The warm container for these settings, if one is ready and still running. */
  Optional<Warm> take(DockerProvisioner.Settings settings) {
    Optional<Key> key = Key.of(settings);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    Warm w;
    synchronized (this) {
      w = ready.remove(key.get());
    }
    if (w == null) {
      return Optional.empty();
    }
    try {
      if (Boolean.TRUE.equals(
          docker.inspectContainerCmd(w.containerId()).exec().getState().getRunning())) {
        return Optional.of(w);
      }
    } catch (RuntimeException gone) {
      // removed behind our back, or the engine restarted: a cold start then
    }
    DockerProvisioner.remove(docker, w.containerId());
    return Optional.empty();
  }

  /**
   * Names a taken container as the build's would be named, in the background: the name is for
   * people reading {@code docker ps}, and the build need not wait for it.
   */
  void rename(String containerId, String name) {
    maker.execute(() -> {
      try {
        docker.renameContainerCmd(containerId).withName(name).exec();
      } catch (RuntimeException e) {
        // gone already (a very short build), or the name is taken: it keeps its warm name
      }
    });
  }

  /** Makes a warm container for builds like this one, in the background, if none is there. */
  void refill(DockerProvisioner.Settings settings) {
    Optional<Key> key = Key.of(settings);
    synchronized (this) {
      if (key.isEmpty() || closed || ready.containsKey(key.get()) || !making.add(key.get())) {
        return;
      }
    }
    maker.execute(() -> {
      Warm made = null;
      try {
        made = make(settings);
      } catch (RuntimeException e) {
        // the next such build starts cold, as without warm containers
      }
      List<Warm> unwanted = new ArrayList<>();
      synchronized (this) {
        making.remove(key.get());
        if (made != null && !closed) {
          ready.put(key.get(), made);
          for (Iterator<Warm> it = ready.values().iterator(); ready.size() > MAX_KEPT; ) {
            unwanted.add(it.next());
            it.remove();
          }
        } else if (made != null) {
          unwanted.add(made);
        }
      }
      unwanted.forEach(w -> DockerProvisioner.remove(docker, w.containerId()));
    });
  }

  private Warm make(DockerProvisioner.Settings settings) {
    String token = Supervisor.newToken();
    String root = DockerProvisioner.newRoot();
    String id =
        BuildContainer.create(
            docker,
            settings,
            "localbuild-warm-" + token.substring(2, 10),
            Map.of(Labels.OWNER, Labels.owner(), Labels.ROLE, "warm"),
            new BuildContainer.Layout(token, root + "/src", Map.of(), null, null, false));
    try {
      docker.startContainerCmd(id).exec();
    } catch (RuntimeException e) {
      DockerProvisioner.remove(docker, id);
      throw new IllegalStateException("cannot make a warm container: " + e.getMessage(), e);
    }
    return new Warm(id, token, root);
  }

  /** How many are ready (for tests and the server's page). */
  public synchronized int size() {
    return ready.size();
  }

  /** Removes the warm containers; one being made is removed when it is done. */
  @Override
  public void close() {
    List<Warm> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(ready.values());
      ready.clear();
    }
    maker.shutdown();
    try {
      maker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.forEach(w -> DockerProvisioner.remove(docker, w.containerId()));
  }
}
