package dev.localbuild.agent.build;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.StrayReaper;
import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.agent.record.BuildLogs;
import dev.localbuild.agent.record.BuildNumbers;
import dev.localbuild.runtime.BuildEngine;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.event.BuildEvents;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import java.io.IOException;
import java.time.Instant;
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
  private final BuildNumbers numbers;
  private final BuildLogs logs;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "localbuild-timeouts");
        t.setDaemon(true);
        return t;
      });
  private @Nullable DockerClient docker;

  public BuildLauncher(LauncherConfig config) {
    this.config = config;
    this.history = new BuildHistory(config.state());
    this.numbers = new BuildNumbers(config.state());
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
   * Starts a build on its own thread.
   *
   * @throws OrderException when the order cannot make a build (nothing was started)
   */
  public BuildHandle start(BuildOrder order, BuildListener listener)
      throws OrderException, IOException, InterruptedException {
    ResolvedOrder resolved = new OrderResolver(config.state(), listener.notices()).resolve(order);
    resolved.notes().forEach(listener.notices());
    AwsAccess aws =
        AwsAccess.create(
            config.aws(),
            resolved,
            config.state(),
            AwsAccess.buildspecText(resolved),
            listener.notices());
    try {
      ExecutorKit kit =
          ExecutorKit.create(
              config,
              resolved,
              aws,
              config.executor() == LauncherConfig.Executor.DOCKER ? docker() : null,
              listener.notices());
      BuildRequest request = resolved.request();
      String project = request.projectName();
      BuildIdentity id =
          new BuildIdentity(
              project,
              UUID.randomUUID(),
              numbers.next(project),
              resolved.region(),
              aws.accountId(),
              Instant.now(),
              resolved.initiator());
      // the log is kept with the record: every line goes to the listener and, numbered, to the file
      BuildEvents events = new BuildEvents(logs);
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

  /** The shared Docker client, made on first use; strays of dead agents are reaped then, once. */
  private synchronized DockerClient docker() {
    if (docker == null) {
      docker = DockerClients.create();
      try {
        new StrayReaper(docker).reap();
      } catch (RuntimeException e) {
        // Docker is not reachable: PROVISIONING reports it, as part of the build
      }
    }
    return docker;
  }

  @Override
  public synchronized void close() throws IOException {
    scheduler.shutdownNow();
    if (docker != null) {
      docker.close();
    }
  }
}
