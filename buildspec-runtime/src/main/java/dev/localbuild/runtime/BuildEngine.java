package dev.localbuild.runtime;

import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.StatusType;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs a build through CodeBuild's phases, attempt after attempt while {@code on-failure: RETRY}
 * asks for one, enforcing the build timeout and honouring {@link #stop()}.
 */
public final class BuildEngine {
  private final BuildServices services;
  private final ScheduledExecutorService timer;
  private final boolean ownTimer;
  private volatile @Nullable BuildAttempt current;
  private volatile boolean stopped;

  /** An engine with its own timer thread, released by {@link #close()}. */
  public BuildEngine(BuildServices services) {
    this.services = services;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "localbuild-timeout");
          t.setDaemon(true);
          return t;
        });
    this.ownTimer = true;
  }

  /** An engine whose timeouts run on a scheduler shared by many builds (one agent, many builds). */
  public BuildEngine(BuildServices services, ScheduledExecutorService timer) {
    this.services = services;
    this.timer = timer;
    this.ownTimer = false;
  }

  /**
   * Runs a build to the end.
   *
   * @param request what to build
   * @param first the first attempt's identity
   * @param nextBuildNumber gives the build number of each retry (each retry is a new build)
   * @return the last attempt's final record
   */
  public BuildRecord run(BuildRequest request, BuildIdentity first, LongSupplier nextBuildNumber) {
    BuildIdentity id = first;
    String previousArn = null;
    int number = 0;
    int limit = 0;
    try {
      while (true) {
        BuildAttempt attempt = new BuildAttempt(services, request, id, number);
        current = attempt;
        if (previousArn != null) {
          attempt.state().autoRetry(new BuildRecord.AutoRetry(limit, number, null, previousArn));
        }
        AtomicReference<BuildIdentity> retry = new AtomicReference<>();
        BuildIdentity thisOne = id;
        int thisNumber = number;
        int limitSoFar = limit;
        String before = previousArn;
        attempt.noteRetry(asked -> {
          BuildIdentity next =
              thisOne.retry(nextBuildNumber.getAsLong(), services.clock().instant());
          retry.set(next);
          return new BuildRecord.AutoRetry(
              Math.max(limitSoFar, asked), thisNumber, next.buildArn(), before);
        });
        BuildRecord record = runWithTimeout(attempt, request);
        if (retry.get() == null || stopped) {
          return record;
        }
        limit = Math.max(limit, attempt.retryLimit());
        previousArn = id.buildArn();
        id = retry.get();
        number++;
      }
    } finally {
      current = null;
    }
  }

  private BuildRecord runWithTimeout(BuildAttempt attempt, BuildRequest request) {
    if (stopped) {
      attempt.interrupt(StatusType.STOPPED);
    }
    ScheduledFuture<?> timeout =
        timer.schedule(
            () -> attempt.interrupt(StatusType.TIMED_OUT),
            request.timeout().toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      return attempt.run();
    } finally {
      timeout.cancel(false);
    }
  }

  /** Stops the build now (Ctrl-C, StopBuild): the current phase ends STOPPED. Any thread. */
  public void stop() {
    stopped = true;
    BuildAttempt a = current;
    if (a != null) {
      a.interrupt(StatusType.STOPPED);
    }
  }

  /** Releases the timer thread, if it is the engine's own. */
  public void close() {
    if (ownTimer) {
      timer.shutdownNow();
    }
  }
}
