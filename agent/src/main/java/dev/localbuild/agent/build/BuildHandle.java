package dev.localbuild.agent.build;

import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.runtime.BuildEngine;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A started build: its identity, its latest record, a way to stop it and to wait for its end.
 * Closing it releases what the build held for after its end (the AWS clients a deploy uses).
 */
public final class BuildHandle implements AutoCloseable {
  private final BuildIdentity id;
  private final BuildEngine engine;
  private final BuildOutputs outputs;
  private final AwsAccess aws;
  private final BuildHistory history;
  private final AtomicReference<BuildRecord> latest;
  private final CompletableFuture<BuildRecord> done;

  BuildHandle(
      BuildIdentity id,
      BuildEngine engine,
      BuildOutputs outputs,
      AwsAccess aws,
      BuildHistory history,
      AtomicReference<BuildRecord> latest,
      CompletableFuture<BuildRecord> done) {
    this.id = id;
    this.engine = engine;
    this.outputs = outputs;
    this.aws = aws;
    this.history = history;
    this.latest = latest;
    this.done = done;
  }

  /** The first attempt's identity (a retry is a new build with its own). */
  public BuildIdentity id() {
    return id;
  }

  /** The build's latest record, if it has published one. */
  public Optional<BuildRecord> latest() {
    return Optional.ofNullable(latest.get());
  }

  /** Where its artifacts and reports are kept on this machine. */
  public BuildOutputs outputs() {
    return outputs;
  }

  /** The AWS the build used, for what follows it (a deploy). */
  public AwsAccess aws() {
    return aws;
  }

  /** Where a record of this build (or of its retry) is kept. */
  public Path recordFile(BuildRecord r) {
    return history.recordFile(r.projectName(), r.buildNumber());
  }

  /** Stops the build now: the current phase ends STOPPED. Any thread. */
  public void stop() {
    engine.stop();
  }

  /** Waits for the build's end; returns the last attempt's final record. */
  public BuildRecord await() throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    aws.close();
  }
}
