package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import dev.localbuild.runtime.BuildIdentity;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellSession;
import dev.localbuild.runtime.shell.Supervisor;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
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
  static final String SHELL_DIR = "/codebuild/output/tmp";
  private static final SecureRandom RANDOM = new SecureRandom();

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
   * @param network the Docker network to join, null for the default bridge
   */
  public record Settings(
      String image,
      Path source,
      Map<String, Path> secondary,
      BuildspecSource buildspec,
      boolean mountSource,
      boolean privileged,
      long memoryBytes,
      long nanoCpus,
      @Nullable String network) {}

  private final DockerClient docker;
  private final Settings settings;
  private final ImageResolver images;

  public DockerProvisioner(DockerClient docker, Settings settings, ImageResolver images) {
    this.docker = docker;
    this.settings = settings;
    this.images = images;
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
  public Sandbox provision(BuildIdentity build, Consumer<OutputLine> output, LogSink log)
      throws ProvisioningException, InterruptedException {
    images.ensure(settings.image(), log);
    String root = "/codebuild/output/src" + (100_000_000 + RANDOM.nextInt(900_000_000));
    String sourceDir = root + "/src";
    Map<String, String> secondaryDirs = new LinkedHashMap<>();
    settings.secondary().forEach((id, p) -> secondaryDirs.put(id, root + "/" + id));
    String token = Supervisor.newToken();
    String containerId = null;
    try {
      containerId = create(build, token, sourceDir, secondaryDirs);
      if (!settings.mountSource()) {
        copySources(containerId, sourceDir, secondaryDirs);
      }
      StdinPipe stdin = new StdinPipe();
      ShellSession session = new ShellSession(token, stdin.writer, output);
      Closeable attach = attach(containerId, stdin, session);
      docker.startContainerCmd(containerId).exec();
      String location =
          settings.buildspec().pathInSource() != null
              ? sourceDir + "/" + settings.buildspec().pathInSource()
              : BuildspecSource.READONLY_LOCATION;
      return new DockerSandbox(
          docker,
          containerId,
          sourceDir,
          secondaryDirs,
          location,
          session,
          stdin,
          attach,
          Map.of("HOME", "/root"));
    } catch (IOException | RuntimeException e) {
      if (containerId != null) {
        remove(docker, containerId);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("provisioning was interrupted");
      }
      throw new ProvisioningException(
          "Unable to start the build container from " + settings.image() + ": " + e.getMessage(),
          false,
          e);
    }
  }

  private String create(
      BuildIdentity build, String token, String sourceDir, Map<String, String> secondaryDirs) {
    List<Bind> binds = new ArrayList<>();
    if (settings.mountSource()) {
      binds.add(new Bind(settings.source().toAbsolutePath().toString(), new Volume(sourceDir)));
      settings
          .secondary()
          .forEach((id, p) ->
              binds.add(
                  new Bind(p.toAbsolutePath().toString(), new Volume(secondaryDirs.get(id)))));
    }
    HostConfig host =
        HostConfig.newHostConfig()
            .withInit(true)
            .withPrivileged(settings.privileged())
            .withBinds(binds);
    if (settings.memoryBytes() > 0) {
      host.withMemory(settings.memoryBytes());
    }
    if (settings.nanoCpus() > 0) {
      host.withNanoCPUs(settings.nanoCpus());
    }
    if (settings.network() != null) {
      host.withNetworkMode(settings.network());
    }
    CreateContainerCmd cmd =
        docker
            .createContainerCmd(settings.image())
            .withName(
                "localbuild-"
                    + build.projectName().toLowerCase().replaceAll("[^a-z0-9_.-]", "-")
                    + "-"
                    + build.uuid().toString().substring(0, 8))
            .withEntrypoint("sh", "-c", Supervisor.script(token, SHELL_DIR, "/root"))
            .withCmd(List.of())
            .withUser("0:0")
            .withWorkingDir("/")
            .withLabels(Labels.of(build.buildId(), build.projectName(), "build"))
            .withStdinOpen(true)
            .withStdInOnce(false)
            .withAttachStdin(true)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withTty(false)
            .withHostConfig(host);
    return cmd.exec().getId();
  }

  private void copySources(String containerId, String sourceDir, Map<String, String> secondaryDirs)
      throws IOException {
    List<SourceTar.Mapping> mappings = new ArrayList<>();
    mappings.add(new SourceTar.Mapping(settings.source(), sourceDir));
    settings
        .secondary()
        .forEach((id, p) -> mappings.add(new SourceTar.Mapping(p, secondaryDirs.get(id))));
    try (InputStream tar = SourceTar.stream(mappings, List.of(SHELL_DIR))) {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withTarInputStream(tar)
          .withRemotePath("/")
          .exec();
    }
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
