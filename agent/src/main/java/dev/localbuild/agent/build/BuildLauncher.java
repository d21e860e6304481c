package dev.localbuild.agent.build;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.StrayReaper;
import dev.localbuild.agent.docker.WarmContainers;
import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.agent.record.BuildLogs;
import dev.localbuild.agent.record.BuildNumbering;
import dev.localbuild.agent.record.BuildNumbers;
import dev.localbuild.runtime.BuildEngine;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.event.BuildEvents;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The one build path: {@code localbuild run} and the server both start builds here. It owns what is
 * shared by every build it starts: one Docker client (strays reaped once, when it is made), one
 * scheduler for timeouts, the build numbers and the history.
 */
public final class BuildLauncher implements AutoCloseable {
  private final LauncherConfig config;
  private final BuildHistory history;
  private final BuildNumbering numbers;
  private final BuildLogs logs;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "localbuild-timeouts");
        t.setDaemon(true);
        return t;
      });
  private @Nullable DockerClient docker;
  private volatile @Nullable WarmContainers warm;
  private volatile @Nullable EmbeddedLocalAws embeddedAws;

  /** A launcher that numbers builds with files in the state directory. */
  public BuildLauncher(LauncherConfig config) {
    this(config, new BuildNumbers(config.state()));
  }

  /** A launcher that numbers builds with {@code numbers} (the server's database). */
  public BuildLauncher(LauncherConfig config, BuildNumbering numbers) {
    this.config = config;
    this.history = new BuildHistory(config.state());
    this.numbers = numbers;
    this.logs = new BuildLogs(config.state());
  }

  /**
   * Records builds that a stopped agent left unfinished as FAULT.
   *
   * @return their ids
   */
  public List<String> recoverAbandoned() {
    return history.recoverAbandoned();
  }

  /**
   * A build's id and number, taken before it starts: the server answers StartBuild with them while
   * the build waits in its queue.
   */
  public record Reservation(UUID uuid, long number, Instant submitted) {}

  /** Reserves the next build of a project. */
  public Reservation reserve(String project) {
    return new Reservation(UUID.randomUUID(), numbers.next(project), Instant.now());
  }

  /**
   * Starts a build on its own thread.
   *
   * @throws OrderException when the order cannot make a build (nothing was started)
   */
  public BuildHandle start(BuildOrder order, BuildListener listener)
      throws OrderException, IOException, InterruptedException {
    return start(order, listener, null);
  }

  /**
   * Starts a build on its own thread, with the id and number reserved for it (null: new ones).
   *
   * @throws OrderException when the order cannot make a build (nothing was started)
   */
  public BuildHandle start(
      BuildOrder order, BuildListener listener, @Nullable Reservation reservation)
      throws OrderException, IOException, InterruptedException {
    if (config.executor() == LauncherConfig.Executor.DOCKER) {
      // the engine's first answers (the reaper's, the disk-quota probe's) come back while the
      // order is resolved, not after
      docker();
    }
    ResolvedOrder resolved =
        new OrderResolver(config.state(), listener.notices(), config.mountSource()).resolve(order);
    resolved.notes().forEach(listener.notices());
    AwsAccess aws;
    try {
      aws =
          AwsAccess.create(
              config.aws(),
              resolved,
              config.state(),
              AwsAccess.buildspecText(resolved),
              embeddedAws,
              listener.notices());
    } catch (AwsAccess.NoCredentials e) {
      throw new OrderException("yourAccount", e.getMessage());
    }
    try {
      ExecutorKit kit =
          ExecutorKit.create(
              config,
              resolved,
              aws,
              config.executor() == LauncherConfig.Executor.DOCKER ? docker() : null,
              config.executor() == LauncherConfig.Executor.DOCKER ? warm : null,
              listener.notices(),
              listener.progress());
      if (order.host().breakpoints() != null) {
        kit = kit.heldBy(order.host().breakpoints());
      }
      BuildRequest request = resolved.request();
      String project = request.projectName();
      Reservation reserved = reservation != null ? reservation : reserve(project);
      BuildIdentity id =
          new BuildIdentity(
              project,
              reserved.uuid(),
              reserved.number(),
              resolved.region(),
              aws.accountId(),
              reserved.submitted(),
              resolved.initiator());
      // the log is kept with the record: every line goes to the listener and, numbered, to the file
      BuildEvents events =
          new BuildEvents(e -> {
            logs.accept(e);
            listener.events().accept(e);
          });
      BuildOutputs outputs =
          BuildOutputs.create(
              resolved,
              config.state(),
              id.buildNumber(),
              line -> {
                listener.log().accept(line);
                events.accept(line);
              });
      AtomicReference<BuildRecord> latest = new AtomicReference<>();
      BuildEngine engine =
          new BuildEngine(
              outputs.services(
                  kit,
                  aws,
                  resolved,
                  r -> {
                    latest.set(r);
                    history.save(r);
                    logs.learn(r);
                    events.accept(r);
                    listener.records().accept(r);
                  }),
              scheduler);
      CompletableFuture<BuildRecord> done = new CompletableFuture<>();
      Thread.ofPlatform()
          .name("localbuild-build-" + id.buildNumber())
          .start(() -> {
            try {
              done.complete(engine.run(request, id, () -> numbers.next(project)));
            } catch (Throwable t) {
              done.completeExceptionally(t);
            }
          });
      return new BuildHandle(id, engine, outputs, aws, history, latest, done);
    } catch (OrderException | IOException | RuntimeException e) {
      aws.close();
      throw e;
    }
  }

  /**
   * Keeps a started build container ready per recently used image, so a server's next build does
   * not wait for one (a single {@code run} has no next build: it does not).
   */
  public synchronized void keepWarmContainers() {
    if (warm == null) {
      warm = new WarmContainers(docker());
    }
  }

  /**
   * Starts the local AWS, when a build needs it, inside {@code vertx} (the server's) rather than as
   * a process of its own; it stops when this launcher closes.
   */
  public synchronized void embedLocalAws(io.vertx.core.Vertx vertx) {
    if (embeddedAws == null) {
      embeddedAws = new EmbeddedLocalAws(vertx, this::docker);
    }
  }

  /** How long closing waits for the stray reaper, so that it is not cut off mid-removal. */
  static final java.time.Duration REAPER_WAIT = java.time.Duration.ofSeconds(10);

  private @Nullable Thread reaper;

  /**
   * The shared Docker client, made on first use; strays of dead agents are reaped then, once, on a
   * thread of its own: the first build does not wait for it (it touches only what dead agents left,
   * never this build's containers).
   */
  public synchronized DockerClient docker() {
    if (docker == null) {
      DockerClients.BuildClients clients = DockerClients.forBuilds();
      docker = clients.builds();
      DockerClient d = clients.housekeeping();
      reaper =
          Thread.ofPlatform()
              .daemon()
              .name("localbuild-stray-reaper")
              .start(() -> {
                try {
                  new StrayReaper(d).reap();
                } catch (RuntimeException e) {
                  // Docker is not reachable: PROVISIONING reports it, as part of the build
                }
              });
    }
    return docker;
  }

  /** Whether the Docker engine answers: empty when it does, else what went wrong. */
  public java.util.Optional<String> engineProblem() {
    try {
      docker().pingCmd().exec();
      return java.util.Optional.empty();
    } catch (RuntimeException e) {
      return java.util.Optional.of(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  /**
   * An image this host's engine has.
   *
   * @param tag {@code repository:tag}
   * @param id the image id ({@code sha256:...})
   */
  public record LocalImage(String tag, String id) {}

  /** The tagged images of this host's engine (what builds can run on without a pull). */
  public List<LocalImage> images() {
    List<LocalImage> out = new ArrayList<>();
    for (var image : docker().listImagesCmd().exec()) {
      for (String tag : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
        out.add(new LocalImage(tag, image.getId()));
      }
    }
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    scheduler.shutdownNow();
    if (warm != null) {
      warm.close();
    }
    if (embeddedAws != null) {
      embeddedAws.close();
    }
    if (reaper != null) {
      try {
        reaper.join(REAPER_WAIT.toMillis()); // done long before, unless the engine is very slow
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (docker != null) {
      docker.close();
    }
  }
}
