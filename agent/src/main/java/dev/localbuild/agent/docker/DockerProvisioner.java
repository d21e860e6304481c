package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.localbuild.agent.aws.BuildCredentials;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.sandbox.SourceFiles;
import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellSession;
import dev.localbuild.runtime.shell.Supervisor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The docker executor: one container per build from the build image, with CodeBuild's layout
 * ({@code /codebuild/output/src<digits>/src}), running as root whatever the image's USER, with the
 * image's ENTRYPOINT replaced (CodeBuild ignores it too) by the build shell's supervisor. The
 * source is copied in, or bind-mounted with {@code -m}. Containers are labelled so strays can be
 * found.
 */
public final class DockerProvisioner implements Provisioner {
  /** Whether an exception (or one it wraps) is an interrupted read or write. */
  static boolean interruptedIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // a read that timed out is an InterruptedIOException too, but nobody stopped the build
      if (t instanceof java.io.InterruptedIOException
              && !(t instanceof java.net.SocketTimeoutException)
          || t instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  public static final String SHELL_DIR = "/codebuild/output/tmp";

  /**
   * How builds run.
   *
   * @param image the build image
   * @param source the primary source directory on this machine
   * @param secondary secondary source directories by identifier
   * @param buildspec where the buildspec is
   * @param mountSource bind-mount the source instead of copying it ({@code -m})
   * @param privileged run privileged ({@code -d})
   * @param memoryBytes memory limit, 0 for none
   * @param nanoCpus CPU limit in billionths of a CPU, 0 for none
   * @param pidsLimit the most processes (and threads) in the build container, 0 for none
   * @param diskBytes the build container's writable space, where the engine can bound it; 0 for
   *     none
   * @param sourceFiles what of {@code source} is copied (a git work tree's tracked files)
   * @param network the Docker network to join, null for the default bridge
   * @param registryMirror a registry mirror for the build's Docker daemon
   * @param layerCache keeps the build's Docker daemon storage between builds, or null
   * @param customCacheVolume the volume of LOCAL_CUSTOM_CACHE, or null
   * @param daemonTimeout how long the build's Docker daemon may take to start
   * @param stateDir localbuild's state directory (what it learnt of images is kept there)
   * @param aws AWS access for the build, or null
   */
  public record Settings(
      String image,
      Path source,
      SourceFiles sourceFiles,
      Map<String, Path> secondary,
      BuildspecSource buildspec,
      boolean mountSource,
      boolean privileged,
      long memoryBytes,
      long nanoCpus,
      long pidsLimit,
      long diskBytes,
      @Nullable String network,
      @Nullable String registryMirror,
      @Nullable LayerCacheVolumes layerCache,
      @Nullable String customCacheVolume,
      Duration daemonTimeout,
      Path stateDir,
      @Nullable BuildAws aws) {}

  /**
   * What a build needs of AWS: its credentials endpoint, variables (the local AWS's endpoint), and
   * registries its Docker daemon may use over plain HTTP (the local ECR).
   */
  public record BuildAws(
      BuildCredentials credentials,
      Map<String, String> variables,
      List<String> insecureRegistries) {}

  /**
   * {@code host.docker.internal} is this machine, as on Docker Desktop: builds reach services
   * listening here (a LocalStack on localhost:4566) by that name.
   */
  public static final String HOST_GATEWAY = "host.docker.internal:host-gateway";

  /** Where LOCAL_CUSTOM_CACHE's volume is mounted in the build container. */
  public static final String CUSTOM_CACHE_DIR = "/codebuild/local-cache/custom";

  private final DockerClient docker;
  private final Settings settings;
  private final ImageResolver images;
  private final @Nullable WarmContainers warm;
  // the image exactly, once provisioning has made sure of it
  private volatile @Nullable String imageDigest;

  public DockerProvisioner(DockerClient docker, Settings settings, ImageResolver images) {
    this(docker, settings, images, null);
  }

  /**
   * @param warm the server's warm containers, or null (a single build has no next build to warm
   *     for)
   */
  public DockerProvisioner(
      DockerClient docker, Settings settings, ImageResolver images, @Nullable WarmContainers warm) {
    this.docker = docker;
    this.settings = settings;
    this.images = images;
    this.warm = warm;
  }

  /**
   * A new {@code /codebuild/output/src<digits>}, as CodeBuild names it. Inside the build's own
   * container, so nothing to guess: not a SecureRandom, whose providers' start the command line's
   * thread waited for while the Docker client's thread made them.
   */
  static String newRoot() {
    return "/codebuild/output/src"
        + (100_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(900_000_000));
  }

  @Override
  public String executor() {
    return "docker";
  }

  @Override
  public String image() {
    return settings.image();
  }

  @Override
  public @Nullable String imageDigest() {
    return imageDigest;
  }

  @Override
  public Sandbox provision(BuildIdentity build, Consumer<OutputLine> output, LogSink log)
      throws ProvisioningException, InterruptedException {
    try {
      images.ensure(settings.image(), log);
      imageDigest = images.digest(settings.image());
    } catch (RuntimeException e) {
      if (DockerClients.unreachable(e)) {
        throw new ProvisioningException(DockerClients.unreachableMessage(e), false, e);
      }
      throw e;
    }
    WarmContainers.Warm started = warm == null ? null : warm.take(settings).orElse(null);
    String root = started != null ? started.root() : newRoot();
    String sourceDir = root + "/src";
    Map<String, String> secondaryDirs = new LinkedHashMap<>();
    settings.secondary().forEach((id, p) -> secondaryDirs.put(id, root + "/" + id));
    String token = started != null ? started.token() : Supervisor.newToken();
    List<Runnable> undo = new ArrayList<>();
    try {
      boolean privileged = settings.privileged();
      String layerVolume =
          privileged && settings.layerCache() != null
              ? settings.layerCache().acquire(build.projectName())
              : null;
      if (layerVolume != null) {
        undo.add(() -> settings.layerCache().release(layerVolume, -1));
      }
      boolean daemonInside =
          privileged
              && InnerDaemon.hasDockerd(
                  docker, settings.image(), settings.stateDir().resolve("cache/images"));
      List<String> daemonArgs =
          new ArrayList<>(
              InnerDaemon.arguments(settings.registryMirror(), InnerDaemon.DOCKER_HOST));
      if (settings.aws() != null) {
        settings
            .aws()
            .insecureRegistries()
            .forEach(r -> daemonArgs.add("--insecure-registry=" + r));
      }
      String sidecar = null;
      if (privileged && !daemonInside) {
        String sidecarImage = StandardImage.NAME + ":latest";
        images.ensure(sidecarImage, log);
        sidecar =
            InnerDaemon.startSidecar(
                docker,
                sidecarImage,
                Labels.of(build.buildId(), build.projectName(), "docker-daemon"),
                layerVolume,
                daemonArgs,
                settings.daemonTimeout());
        String sc = sidecar;
        undo.add(0, () -> remove(docker, sc));
      }
      String name =
          "localbuild-"
              + build.projectName().toLowerCase().replaceAll("[^a-z0-9_.-]", "-")
              + "-"
              + build.uuid().toString().substring(0, 8);
      // by its name first: a create the engine finished after this thread was interrupted (a
      // Ctrl-C) made a container whose id never came back
      undo.add(0, () -> remove(docker, name));
      String containerId =
          started != null
              ? adopt(started, name)
              : BuildContainer.create(
                  docker,
                  settings,
                  name,
                  Labels.of(build.buildId(), build.projectName(), "build"),
                  new BuildContainer.Layout(
                      token,
                      sourceDir,
                      secondaryDirs,
                      daemonInside ? layerVolume : null,
                      sidecar,
                      privileged));
      undo.add(0, () -> remove(docker, containerId));
      SourceCopy sources = new SourceCopy(docker, settings, sourceDir, secondaryDirs);
      sources.beforeStart(containerId);
      StdinPipe stdin = new StdinPipe();
      ShellSession session = new ShellSession(token, stdin.writer, output);
      Closeable attach = attach(containerId, stdin, session);
      if (started == null) {
        docker.startContainerCmd(containerId).exec();
      }
      sources.afterStart(containerId, session);
      String location =
          settings.buildspec().pathInSource() != null
              ? sourceDir + "/" + settings.buildspec().pathInSource()
              : BuildspecSource.READONLY_LOCATION;
      Map<String, String> variables = new LinkedHashMap<>();
      variables.put("HOME", "/root");
      if (sidecar != null) {
        variables.put("DOCKER_HOST", InnerDaemon.DOCKER_HOST);
      }
      Runnable closeCredentials = null;
      if (settings.aws() != null && "host".equals(settings.network())) {
        // the host's network: an address added there would outlive the build and serve any
        // process on this machine; a loopback endpoint that wants the build's token does not
        variables.putAll(settings.aws().variables());
        var server =
            new dev.localbuild.agent.aws.HostCredentialsServer(settings.aws().credentials());
        variables.putAll(server.variables());
        closeCredentials = server::close;
        undo.add(0, closeCredentials);
      } else if (settings.aws() != null) {
        variables.putAll(settings.aws().variables());
        CredentialsSidecar sidecarEndpoint =
            CredentialsSidecar.start(
                docker,
                images,
                sidecar != null ? sidecar : containerId,
                Labels.of(build.buildId(), build.projectName(), "credentials"),
                settings.aws().credentials(),
                log);
        variables.putAll(sidecarEndpoint.variables());
        closeCredentials = sidecarEndpoint::close;
        undo.add(0, closeCredentials);
      }
      DockerSandbox sandbox =
          new DockerSandbox(
              docker,
              containerId,
              sourceDir,
              secondaryDirs,
              location,
              session,
              stdin,
              attach,
              variables);
      undo.clear();
      if (closeCredentials != null) {
        sandbox.onClose(closeCredentials);
      }
      if (sidecar != null) {
        String sc = sidecar;
        sandbox.onClose(() -> remove(docker, sc));
      }
      if (layerVolume != null) {
        String sc = sidecar;
        sandbox.onClose(() -> settings.layerCache().release(layerVolume, storageSize(sandbox, sc)));
      }
      if (daemonInside) {
        try {
          InnerDaemon.startInside(session, daemonArgs, settings.daemonTimeout());
        } catch (ProvisioningException | InterruptedException e) {
          sandbox.close();
          throw e;
        }
      }
      if (warm != null) {
        warm.refill(settings); // for the next build like this one, now that this one has its own
      }
      return sandbox;
    } catch (IOException | RuntimeException e) {
      // a timeout or StopBuild interrupts this thread: the engine refuses calls made with the
      // flag set, so it is cleared while what was made is removed, then reported. An interrupted
      // socket read says so with its exception, and may have cleared the flag already.
      boolean interrupted = Thread.interrupted() | interruptedIo(e);
      undo.forEach(Runnable::run);
      if (interrupted) {
        throw new InterruptedException("provisioning was interrupted");
      }
      throw new ProvisioningException(
          "Unable to start the build container from " + settings.image() + ": " + e.getMessage(),
          false,
          e);
    } catch (ProvisioningException | InterruptedException e) {
      boolean interrupted = Thread.interrupted();
      undo.forEach(Runnable::run);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    } catch (Exception e) {
      boolean interrupted = Thread.interrupted();
      undo.forEach(Runnable::run);
      if (interrupted) {
        throw new InterruptedException("provisioning was interrupted");
      }
      throw new ProvisioningException(
          "Unable to start the build's credentials endpoint: " + e.getMessage(), false, e);
    }
  }

  /**
   * Stops the build's Docker daemon cleanly (its storage is kept) and measures the storage.
   *
   * @return bytes, or -1 when the build is already gone
   */
  private long storageSize(DockerSandbox sandbox, @Nullable String sidecar) {
    String script =
        "[ -f /var/run/docker.pid ] && kill $(cat /var/run/docker.pid) 2>/dev/null; i=0;"
            + " while [ -f /var/run/docker.pid ] && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done;"
            + " du -sk /var/lib/docker 2>/dev/null | cut -f1";
    try {
      if (sidecar != null) {
        docker.stopContainerCmd(sidecar).withTimeout(10).exec();
        return -1; // the sidecar's volume is measured on its next use
      }
      String out = sandbox.shell().capture("sh", script).strip();
      return out.isEmpty() ? -1 : Long.parseLong(out) * 1024;
    } catch (Exception e) {
      return -1;
    }
  }

  /** A warm container becomes this build's: named as the build's would be. */
  private String adopt(WarmContainers.Warm w, String name) {
    warm.rename(w.containerId(), name);
    return w.containerId();
  }

  private Closeable attach(String containerId, StdinPipe stdin, ShellSession session) {
    return docker
        .attachContainerCmd(containerId)
        .withStdIn(stdin)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame f) {
                byte[] p = f.getPayload();
                OutputLine.Stream s =
                    f.getStreamType() == StreamType.STDERR
                        ? OutputLine.Stream.STDERR
                        : OutputLine.Stream.STDOUT;
                session.accept(s, p, 0, p.length);
              }

              @Override
              public void onError(Throwable t) {
                session.closed("lost the build container's output: " + t.getMessage(), t);
                super.onError(t);
              }

              @Override
              public void onComplete() {
                session.closed("the build container exited", null);
                super.onComplete();
              }
            });
  }

  /** Removes a container and its anonymous volumes; never throws. */
  static void remove(DockerClient docker, String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      // the stray reaper gets it next time
    }
  }
}
