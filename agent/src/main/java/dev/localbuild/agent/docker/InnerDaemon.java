package dev.localbuild.agent.docker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.shell.ShellClosedException;
import dev.localbuild.runtime.shell.ShellSession;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Docker daemon of a privileged build, as CodeBuild's curated images run one: started before
 * INSTALL, ready-checked, with its log shown when it does not come up. In an image that has {@code
 * dockerd} it runs inside the build container; otherwise in a sidecar container (the standard
 * image) sharing the build's network, with {@code DOCKER_HOST} pointing at it. Either way it dies
 * with the build.
 */
final class InnerDaemon {
  static final String READY = "LB_DOCKERD_READY";
  static final String FAILED = "LB_DOCKERD_FAILED";
  static final String DOCKER_HOST = "tcp://127.0.0.1:2375";

  /** Whether an image has dockerd, by image id. */
  private static final Cache<String, Boolean> HAS_DOCKERD =
      Caffeine.newBuilder().maximumSize(256).build();

  private InnerDaemon() {}

  /** The daemon's arguments: its sockets, and the registry mirror when there is one. */
  static List<String> arguments(@Nullable String mirror, String listen) {
    List<String> args =
        new ArrayList<>(List.of("--host=unix:///var/run/docker.sock", "--host=" + listen));
    if (mirror != null) {
      args.add("--registry-mirror=" + mirror);
      URI u = URI.create(mirror);
      if ("http".equals(u.getScheme())) {
        args.add("--insecure-registry=" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
      }
    }
    return args;
  }

  /**
   * Whether an image has dockerd on its PATH. Asking runs a throwaway container (about half a
   * second), so the answer is kept per image id, in memory and in {@code knownDir} across runs.
   */
  static boolean hasDockerd(DockerClient docker, String image, Path knownDir) {
    String imageId = docker.inspectImageCmd(image).exec().getId();
    return HAS_DOCKERD.get(
        imageId,
        id -> {
          Path known = knownDir.resolve(id.replace(':', '_') + ".dockerd");
          try {
            if (Files.exists(known)) {
              return Boolean.parseBoolean(Files.readString(known).strip());
            }
          } catch (IOException e) {
            // ask the image again
          }
          boolean has = probe(docker, image);
          try {
            Files.createDirectories(knownDir);
            Files.writeString(known, Boolean.toString(has));
          } catch (IOException e) {
            // asked again next time
          }
          return has;
        });
  }

  private static boolean probe(DockerClient docker, String image) {
    String probe =
        docker
            .createContainerCmd(image)
            .withEntrypoint("sh", "-c", "command -v dockerd >/dev/null 2>&1 && exit 0 || exit 3")
            .withCmd(List.of())
            .withUser("0:0")
            .withLabels(Map.of(Labels.OWNER, Labels.owner(), Labels.ROLE, "probe"))
            .exec()
            .getId();
    try {
      docker.startContainerCmd(probe).exec();
      Integer code =
          docker
              .waitContainerCmd(probe)
              .exec(new WaitContainerResultCallback())
              .awaitStatusCode(60, TimeUnit.SECONDS);
      return code != null && code == 0;
    } catch (RuntimeException e) {
      return false; // no sh at all: no daemon inside either
    } finally {
      DockerProvisioner.remove(docker, probe);
    }
  }

  /**
   * Starts dockerd inside the build container through its shell and waits until it answers.
   *
   * @throws ProvisioningException with the daemon's log when it does not come up in time
   */
  static void startInside(ShellSession shell, List<String> args, Duration timeout)
      throws ProvisioningException, InterruptedException {
    long tries = Math.max(1, timeout.toMillis() / 100);
    String script =
        "mkdir -p /var/log /var/run\n"
            + "( dockerd "
            + String.join(" ", args)
            + " >/var/log/docker.log 2>&1 & )\n"
            + "i=0\n"
            + "until docker info >/dev/null 2>&1; do\n"
            + "  i=$((i+1)); if [ $i -ge "
            + tries
            + " ]; then echo "
            + FAILED
            + "; tail -n 40 /var/log/docker.log; exit 0; fi\n"
            + "  sleep 0.1\n"
            + "done\n"
            + "echo "
            + READY
            + "\n";
    String out;
    try {
      out = shell.capture("sh", script);
    } catch (ShellClosedException e) {
      throw new ProvisioningException(
          "The build container died while its Docker daemon started: " + e.getMessage(), true, e);
    }
    if (!out.contains(READY)) {
      throw new ProvisioningException(failure(timeout, out.replace(FAILED, "").strip()), true);
    }
  }

  /**
   * Starts a sidecar daemon for an image without dockerd; the build container joins its network.
   *
   * @return the sidecar's container id
   */
  static String startSidecar(
      DockerClient docker,
      String image,
      Map<String, String> labels,
      @Nullable String layerCacheVolume,
      List<String> args,
      Duration timeout)
      throws ProvisioningException, InterruptedException {
    HostConfig host =
        HostConfig.newHostConfig()
            .withPrivileged(true)
            .withInit(true)
            // the build shares this network: services on this machine as Docker Desktop names it
            .withExtraHosts(DockerProvisioner.HOST_GATEWAY);
    if (layerCacheVolume != null) {
      host.withBinds(
          new com.github.dockerjava.api.model.Bind(
              layerCacheVolume, new Volume("/var/lib/docker")));
    }
    List<String> cmd = new ArrayList<>(List.of("dockerd"));
    cmd.addAll(args);
    String id =
        docker
            .createContainerCmd(image)
            .withEntrypoint(cmd)
            .withCmd(List.of())
            .withLabels(labels)
            .withVolumes(new Volume("/var/lib/docker"))
            .withHostConfig(host)
            .exec()
            .getId();
    try {
      CountDownLatch ready = new CountDownLatch(1);
      StringBuilder log = new StringBuilder();
      docker.startContainerCmd(id).exec();
      try (var cb =
          docker
              .logContainerCmd(id)
              .withStdOut(true)
              .withStdErr(true)
              .withFollowStream(true)
              .exec(
                  new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame f) {
                      String text =
                          new String(f.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
                      synchronized (log) {
                        log.append(text);
                      }
                      if (text.contains("API listen on")) {
                        ready.countDown();
                      }
                    }
                  })) {
        if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          String tail;
          synchronized (log) {
            tail =
                String.join(
                    "\n",
                    log.toString()
                        .lines()
                        .skip(Math.max(0, log.toString().lines().count() - 40))
                        .toList());
          }
          throw new ProvisioningException(failure(timeout, tail), true);
        }
      }
      return id;
    } catch (ProvisioningException | InterruptedException e) {
      DockerProvisioner.remove(docker, id);
      throw e;
    } catch (java.io.IOException | RuntimeException e) {
      DockerProvisioner.remove(docker, id);
      throw new ProvisioningException(
          "Unable to start the Docker daemon sidecar: " + e.getMessage(), false, e);
    }
  }

  static String failure(Duration timeout, String daemonLog) {
    return "Timed out trying to connect to internal docker host after "
        + timeout.toSeconds()
        + "s."
        + " The daemon's log:\n"
        + (daemonLog.isBlank() ? "(empty)" : daemonLog);
  }
}
