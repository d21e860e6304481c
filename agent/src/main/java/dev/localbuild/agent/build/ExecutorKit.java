package dev.localbuild.agent.build;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.localbuild.agent.aws.S3BlobStore;
import dev.localbuild.agent.cache.ArchiveCache;
import dev.localbuild.agent.cache.CustomCache;
import dev.localbuild.agent.cache.LocalCaches;
import dev.localbuild.agent.cache.RestoreOnlyCache;
import dev.localbuild.agent.debug.DebugHooks;
import dev.localbuild.agent.docker.CuratedImages;
import dev.localbuild.agent.docker.DockerHooks;
import dev.localbuild.agent.docker.DockerProvisioner;
import dev.localbuild.agent.docker.ImageResolver;
import dev.localbuild.agent.docker.LayerCacheVolumes;
import dev.localbuild.agent.docker.StandardImage;
import dev.localbuild.agent.docker.WarmContainers;
import dev.localbuild.agent.host.HostProvisioner;
import dev.localbuild.agent.project.ComputeType;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.cache.store.LocalBlobStore;
import dev.localbuild.runtime.BuildCache;
import dev.localbuild.runtime.BuildHooks;
import dev.localbuild.runtime.BuildShell;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A build's executor, with the caches and hooks that go with it. The Docker client is the
 * launcher's, shared by every build.
 */
record ExecutorKit(Provisioner provisioner, BuildCache cache, BuildHooks hooks) {

  static final Duration DAEMON_TIMEOUT = Duration.ofSeconds(60);

  static ExecutorKit create(
      LauncherConfig config,
      ResolvedOrder setup,
      AwsAccess aws,
      @Nullable DockerClient docker,
      @Nullable WarmContainers warm,
      Consumer<String> notices,
      Progress progress)
      throws OrderException, IOException {
    ExecutorKit kit = executor(config, setup, aws, docker, warm, notices, progress);
    if (!setup.debug().any()) {
      return kit;
    }
    return new ExecutorKit(
        kit.provisioner(),
        kit.cache(),
        new DebugHooks(
            kit.hooks(),
            setup.debug(),
            notices,
            DebugHooks.terminal(),
            setup.request().projectName()));
  }

  /** The same kit, its builds held at their breakpoints by {@code holder} instead. */
  ExecutorKit heldBy(Breakpoints holder) {
    BuildHooks inner = hooks;
    return new ExecutorKit(
        provisioner,
        cache,
        new BuildHooks() {
          @Override
          public void beforeInstall(
              Sandbox sandbox, Map<String, String> variables, Consumer<String> log)
              throws Exception {
            inner.beforeInstall(sandbox, variables, log);
          }

          @Override
          public void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log)
              throws InterruptedException {
            DebugHooks.prepareShell(sandbox);
            holder.hold(shell, log);
          }

          @Override
          public void commandFailed(
              Sandbox sandbox, String command, int exitStatus, Consumer<String> log)
              throws InterruptedException {
            inner.commandFailed(sandbox, command, exitStatus, log);
          }
        });
  }

  private static ExecutorKit executor(
      LauncherConfig config,
      ResolvedOrder setup,
      AwsAccess aws,
      @Nullable DockerClient docker,
      @Nullable WarmContainers warm,
      Consumer<String> notices,
      Progress progress)
      throws OrderException, IOException {
    Path state = config.state();
    String project = setup.request().projectName();
    ProjectConfig.Cache cache = setup.cache();
    switch (config.executor()) {
      case HOST -> {
        BuildCache buildCache =
            cache.has("LOCAL_CUSTOM_CACHE")
                ? new CustomCache(
                    touched(state.resolve("cache/custom").resolve(project)).toString())
                : archiveCache(cache, project, state, aws, progress);
        return new ExecutorKit(
            new HostProvisioner(
                state.resolve("work"),
                setup.source(),
                setup.sourceFiles(),
                setup.secondary(),
                setup.request().buildspec().pathInSource(),
                config.mountSource(),
                config.keep(),
                aws.host()),
            buildCache,
            BuildHooks.NONE);
      }
      case DOCKER -> {
        boolean privileged = setup.request().privilegedMode();
        String customVolume = null;
        BuildCache buildCache = archiveCache(cache, project, state, aws, progress);
        if (setup.untrusted()) {
          // restored, never saved: a stranger's build must not poison the next trusted one (the
          // custom cache is a writable volume, so it is not mounted at all)
          buildCache =
              new RestoreOnlyCache(cache.has("LOCAL_CUSTOM_CACHE") ? BuildCache.NONE : buildCache);
        } else if (cache.has("LOCAL_CUSTOM_CACHE")) {
          customVolume = "localbuild-cc-" + project.toLowerCase().replaceAll("[^a-z0-9_.-]", "-");
          ensureVolume(docker, customVolume, project);
          buildCache = new CustomCache(DockerProvisioner.CUSTOM_CACHE_DIR);
        }
        LayerCacheVolumes layers =
            privileged && cache.has("LOCAL_DOCKER_LAYER_CACHE")
                ? new LayerCacheVolumes(
                    docker, state, setup.extensions().dockerLayerCacheLimitBytes())
                : null;
        String image = image(setup, docker, notices);
        ComputeType compute = computeType(setup.request().computeType());
        var settings =
            new DockerProvisioner.Settings(
                image,
                setup.source(),
                setup.sourceFiles(),
                setup.secondary(),
                setup.request().buildspec(),
                config.mountSource(),
                privileged,
                compute.memoryBytes(),
                Math.min(compute.vcpus(), Runtime.getRuntime().availableProcessors())
                    * 1_000_000_000L,
                compute.pids(),
                compute.diskBytes(),
                config.network(),
                setup.extensions().registryMirror(),
                layers,
                customVolume,
                DAEMON_TIMEOUT,
                state,
                aws.docker());
        var logins =
            setup.extensions().registryCredentials().stream()
                .map(c ->
                    new DockerHooks.Login(c.registry(), c.usernameVariable(), c.passwordVariable()))
                .toList();
        return new ExecutorKit(
            new DockerProvisioner(docker, settings, new StandardImage(docker, progress), warm),
            buildCache,
            new DockerHooks(privileged, logins, setup.extensions().cacheFrom(), aws.ecrLogin()));
      }
    }
    throw new IllegalStateException("unknown executor " + config.executor());
  }

  /** A compute type's limits; the project file has already refused one CodeBuild lacks. */
  static ComputeType computeType(String name) {
    return ComputeType.of(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown compute type " + name));
  }

  /**
   * The S3 cache. A project's S3 cache lives in its bucket (in AWS with -c, else in the local AWS's
   * S3), shared by projects with the same cacheNamespace; without a project, the buildspec's cache
   * is kept on this machine with the same rules, in {@code $LOCALBUILD_HOME/cache/s3/local}.
   * NO_CACHE and LOCAL without custom paths ignore the buildspec's cache, as CodeBuild does.
   */
  static BuildCache archiveCache(
      ProjectConfig.Cache cache, String project, Path state, AwsAccess aws, Progress progress) {
    if (!"S3".equals(cache.type())) {
      return BuildCache.NONE;
    }
    String namespace = cache.namespace() != null ? cache.namespace() : project;
    if (cache.location() != null && aws.asBuild() != null) {
      var clients = aws.asBuild();
      return new ArchiveCache(
          new S3BlobStore(clients.s3(), cache.location()),
          namespace,
          "s3://" + cache.location(),
          progress);
    }
    Path dir = state.resolve("cache/s3").resolve("local");
    LocalCaches.touch(dir.resolve(namespace));
    return new ArchiveCache(new LocalBlobStore(dir), namespace, dir.toString(), progress);
  }

  /**
   * The image the build runs on: a curated image this machine lacks is an error that says how to
   * build it, or with the image fallback localbuild/standard, said once.
   */
  private static String image(ResolvedOrder setup, DockerClient docker, Consumer<String> notices)
      throws OrderException {
    String image = setup.image();
    if (!CuratedImages.isCurated(image) || present(docker, image)) {
      return image;
    }
    if (!setup.imageFallback()) {
      throw new OrderException(
          "imageOverride", CuratedImages.missing(image, OrderResolver.DEFAULT_IMAGE));
    }
    notices.accept(
        image
            + " is not on this machine; running on "
            + OrderResolver.DEFAULT_IMAGE
            + " (--image-fallback)");
    return OrderResolver.DEFAULT_IMAGE;
  }

  private static boolean present(DockerClient docker, String image) {
    try {
      return new ImageResolver(docker).present(image);
    } catch (RuntimeException unreachable) {
      return true; // Docker is not reachable: PROVISIONING reports it, as part of the build
    }
  }

  private static Path touched(Path cacheDir) {
    LocalCaches.touch(cacheDir);
    return cacheDir;
  }

  private static void ensureVolume(DockerClient docker, String name, String project) {
    try {
      docker.inspectVolumeCmd(name).exec();
    } catch (NotFoundException e) {
      docker
          .createVolumeCmd()
          .withName(name)
          .withLabels(Map.of("dev.localbuild.cache", "custom", "dev.localbuild.project", project))
          .exec();
    } catch (RuntimeException e) {
      // Docker is not reachable: PROVISIONING reports it
    }
  }
}
