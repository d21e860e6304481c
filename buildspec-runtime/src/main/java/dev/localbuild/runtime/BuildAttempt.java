package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.buildspec.OnFailure;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.PhaseName;
import dev.localbuild.buildspec.parse.BuildspecException;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.Redactor;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.OutputLine;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.time.Instant;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a build, from SUBMITTED to COMPLETED. The single writer of its record: every
 * change publishes a new immutable {@link BuildRecord}. A failed command is an outcome, never an
 * exception; what the agent cannot do is a FAULT phase; a timeout or a stop kills the sandbox and
 * ends the build in FINALIZING.
 */
final class BuildAttempt {
  private final BuildServices services;
  // replaced once, when DOWNLOAD_SOURCE has fetched the sources and knows their commits
  private BuildRequest request;
  private final BuildIdentity id;
  private final Redactor log;
  private final BuildRecordState state;
  private volatile @Nullable StatusType interruptedBy;
  private volatile @Nullable Sandbox sandbox;
  private volatile @Nullable Thread worker;
  // while a command lent through BuildShell runs: who else hears its lines
  private volatile @Nullable Consumer<OutputLine> tap;
  private final int retriesUsed;
  private boolean retryRequested;
  private int retryLimit;
  // names the retry in this attempt's record before it completes (see BuildEngine)
  private java.util.function.@Nullable IntFunction<BuildRecord.AutoRetry> retryNote;

  BuildAttempt(BuildServices services, BuildRequest request, BuildIdentity id, int retriesUsed) {
    this.services = services;
    this.request = request;
    this.id = id;
    this.retriesUsed = retriesUsed;
    this.log = new Redactor(services.log());
    this.state =
        new BuildRecordState(
            request, id, services.provisioner(), services.records(), services.clock());
  }

  BuildIdentity identity() {
    return id;
  }

  /** The retry count of the {@code on-failure: RETRY} that asked for a retry. */
  int retryLimit() {
    return retryLimit;
  }

  BuildRecordState state() {
    return state;
  }

  /**
   * When this attempt asks for a retry and was not stopped, its record names the retry ({@code
   * nextAutoRetry}) before it completes, so nobody who reads it complete takes it for the end.
   */
  void noteRetry(java.util.function.IntFunction<BuildRecord.AutoRetry> note) {
    this.retryNote = note;
  }

  /** Ends the build early (timeout or stop) from any thread: kills whatever is running. */
  void interrupt(StatusType why) {
    if (interruptedBy != null) {
      return;
    }
    interruptedBy = why;
    Sandbox s = sandbox;
    if (s != null) {
      s.kill();
    }
    Thread t = worker;
    if (t != null && s == null) {
      t.interrupt(); // still provisioning: unblock it
    }
  }

  BuildRecord run() {
    worker = Thread.currentThread();
    try {
      state.instant(PhaseType.SUBMITTED);
      state.instant(PhaseType.QUEUED);
      Buildspec buildspec = null;
      BuildspecException invalid = null;
      boolean fetching = services.sources() != null;
      if (!fetching) {
        // in the source on this machine already: an invalid one needs no sandbox to be reported
        try {
          buildspec = request.buildspec().parse();
        } catch (BuildspecException e) {
          invalid = e;
        }
      }
      if (!provision(fetching || invalid == null)) {
        return state.complete();
      }
      PhaseType next = fetching ? fetchThenDownloadSource() : downloadSource(buildspec, invalid);
      if (next == PhaseType.INSTALL) {
        buildspec = parsedAfterFetch != null ? parsedAfterFetch : buildspec;
      }
      if (next == PhaseType.INSTALL) {
        next = commandPhases(buildspec);
      }
      if (next == PhaseType.UPLOAD_ARTIFACTS) {
        uploadArtifacts(buildspec);
      }
      finalizing();
      if (retryRequested && interruptedBy == null && retryNote != null) {
        state.autoRetry(retryNote.apply(retryLimit));
      }
      return state.complete();
    } finally {
      worker = null;
      Thread.interrupted(); // a late interrupt() must not leak into the caller
    }
  }

  /**
   * @return false when the build cannot go on (CodeBuild goes straight to COMPLETED)
   */
  private boolean provision(boolean needed) {
    Instant start = state.start(PhaseType.PROVISIONING);
    if (!needed) {
      state.end(PhaseType.PROVISIONING, start, PhaseOutcome.SUCCEEDED);
      return true;
    }
    try {
      sandbox = services.provisioner().provision(id, this::output, log);
      if (interruptedBy != null) {
        // stopped while provisioning: nothing of the build may stay behind (no FINALIZING follows).
        // The interrupt meant for provisioning is cleared first: removing the container must not be
        // refused for it
        Thread.interrupted();
        Sandbox s = sandbox;
        sandbox = null;
        s.kill();
        s.close();
        state.end(PhaseType.PROVISIONING, start, interruptedOutcome());
        return false;
      }
      state.end(PhaseType.PROVISIONING, start, PhaseOutcome.SUCCEEDED);
      return true;
    } catch (ProvisioningException e) {
      PhaseContext context =
          new PhaseContext(
              e.userError() ? PhaseContext.CLIENT_ERROR : PhaseContext.AGENT_ERROR, e.getMessage());
      state.end(
          PhaseType.PROVISIONING,
          start,
          e.userError() ? new PhaseOutcome.Failed(context) : new PhaseOutcome.Faulted(context));
      agent("Phase complete: PROVISIONING State: " + (e.userError() ? "FAILED" : "FAULT"));
      agent(
          "Phase context status code: " + context.statusCode() + " Message: " + context.message());
      return false;
    } catch (InterruptedException e) {
      state.end(PhaseType.PROVISIONING, start, interruptedOutcome());
      return false;
    } catch (RuntimeException e) {
      state.end(PhaseType.PROVISIONING, start, fault(e));
      return false;
    }
  }

  private @Nullable Buildspec parsedAfterFetch;

  /**
   * DOWNLOAD_SOURCE for sources that are not on this machine yet: fetched first (a source that
   * cannot be fetched fails the phase with CLIENT_ERROR, as CodeBuild's clone does), put into the
   * sandbox, then the buildspec in them read.
   */
  private PhaseType fetchThenDownloadSource() {
    Instant start = enterDownloadSource();
    PhaseOutcome outcome =
        outcome(() -> {
          SourceFetcher.Fetched fetched;
          try {
            fetched = services.sources().fetch(id, this::agent);
          } catch (SourceFetcher.SourceException e) {
            return new PhaseOutcome.Failed(
                new PhaseContext(PhaseContext.CLIENT_ERROR, e.getMessage()));
          }
          sandbox.receiveSources(fetched.directories());
          request =
              request.withSources(fetched.primary(), fetched.secondary(), fetched.buildspec());
          state.sources(request);
          Buildspec buildspec = null;
          BuildspecException invalid = null;
          try {
            buildspec = request.buildspec().parse();
          } catch (BuildspecException e) {
            invalid = e;
          }
          parsedAfterFetch = buildspec;
          return new DownloadSourcePhase(services, request, id, sandbox, log, this::agent, state)
              .run(buildspec, invalid);
        });
    phaseComplete(PhaseType.DOWNLOAD_SOURCE, start, outcome);
    return outcome instanceof PhaseOutcome.Succeeded ? PhaseType.INSTALL : PhaseType.FINALIZING;
  }

  /**
   * DOWNLOAD_SOURCE begins as CodeBuild's agent begins it, in the cloud and in AWS's local agent
   * alike: no "Entering phase" line, these three.
   */
  private Instant enterDownloadSource() {
    Instant start = state.start(PhaseType.DOWNLOAD_SOURCE);
    agent("Waiting for agent ping");
    agent("Waiting for DOWNLOAD_SOURCE");
    agent("Phase is DOWNLOAD_SOURCE");
    return start;
  }

  private PhaseType downloadSource(
      @Nullable Buildspec buildspec, @Nullable BuildspecException invalid) {
    Instant start = enterDownloadSource();
    PhaseOutcome outcome =
        outcome(() ->
            new DownloadSourcePhase(services, request, id, sandbox, log, this::agent, state)
                .run(buildspec, invalid));
    phaseComplete(PhaseType.DOWNLOAD_SOURCE, start, outcome);
    return outcome instanceof PhaseOutcome.Succeeded ? PhaseType.INSTALL : PhaseType.FINALIZING;
  }

  private PhaseType commandPhases(Buildspec buildspec) {
    CommandPhaseRunner runner =
        new CommandPhaseRunner(
            sandbox, buildspec, state, this::agent, log, services.hooks(), t -> tap = t);
    PhaseType type = PhaseType.INSTALL;
    while (type.isCommandPhase()) {
      Instant start = state.start(type);
      agent("Entering phase " + type);
      PhaseName name = type.phaseName();
      PhaseOutcome outcome = outcome(() -> runner.run(name));
      if (outcome instanceof PhaseOutcome.Failed) {
        state.failing();
      }
      if (type == PhaseType.POST_BUILD && interruptedBy == null) {
        // as CodeBuild's "Uploading S3 cache..." inside POST_BUILD: a failed build's dependencies
        // are still worth keeping
        saveCache(buildspec);
      }
      phaseComplete(type, start, outcome);
      OnFailure onFailure =
          buildspec.phase(type.phaseName()).map(Phase::onFailure).orElse(OnFailure.DEFAULT);
      PhaseTransitions.Next next = PhaseTransitions.next(type, outcome, onFailure, retriesUsed);
      if (next.retry() && onFailure instanceof OnFailure.Retry r) {
        retryRequested = true;
        retryLimit = r.retries();
      }
      type = next.next();
    }
    state.exported(
        runner.exportedValues(buildspec.env().exportedVariables()).stream()
            .map(v -> new BuildRecord.NameValue(v.name(), log.redact(v.value())))
            .toList());
    return type;
  }

  private void saveCache(Buildspec buildspec) {
    CacheSpec cache = buildspec.cache();
    if (cache == null || cache.paths().isEmpty() || !cache.saves() || !services.cache().enabled()) {
      return;
    }
    try {
      var keys = DownloadSourcePhase.cacheKeys(sandbox, cache, state.shellProgram());
      services.cache().save(cache, keys, sandbox, this::agent);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      agent("Unable to save cache: " + e.getMessage()); // best-effort, as CodeBuild's cache
    }
  }

  private void uploadArtifacts(Buildspec buildspec) {
    Instant start = state.start(PhaseType.UPLOAD_ARTIFACTS);
    PhaseOutcome outcome =
        outcome(() ->
            new UploadArtifactsPhase(services, sandbox, id, state, this::agent, log)
                .run(buildspec));
    phaseComplete(PhaseType.UPLOAD_ARTIFACTS, start, outcome);
  }

  private void finalizing() {
    Instant start = state.start(PhaseType.FINALIZING);
    Sandbox s = sandbox;
    if (s != null) {
      s.close();
    }
    state.end(PhaseType.FINALIZING, start, PhaseOutcome.SUCCEEDED);
  }

  private void phaseComplete(PhaseType type, Instant start, PhaseOutcome outcome) {
    if (interruptedBy != null
        && !(outcome instanceof PhaseOutcome.TimedOut || outcome instanceof PhaseOutcome.Stopped)) {
      outcome = interruptedOutcome();
    }
    state.end(type, start, outcome);
    agent("Phase complete: " + type + " State: " + outcome.status());
    agent(
        "Phase context status code: "
            + outcome.context().statusCode()
            + " Message: "
            + outcome.context().message());
  }

  /** A phase's work. */
  @FunctionalInterface
  private interface PhaseWork {
    PhaseOutcome run() throws Exception;
  }

  /**
   * How a phase ended: its own outcome, or what a gone shell, an interruption (timeout, stop) or an
   * unexpected error makes of it.
   */
  private PhaseOutcome outcome(PhaseWork work) {
    try {
      return work.run();
    } catch (ShellClosedException e) {
      return shellGone(e);
    } catch (InterruptedException e) {
      return interruptedOutcome();
    } catch (Exception e) {
      return fault(e);
    }
  }

  private PhaseOutcome interruptedOutcome() {
    return interruptedBy == StatusType.STOPPED
        ? new PhaseOutcome.Stopped(
            new PhaseContext(PhaseContext.BUILD_STOPPED, "Build was stopped"))
        : new PhaseOutcome.TimedOut(
            new PhaseContext(
                PhaseContext.BUILD_TIMED_OUT,
                "Build has timed out after " + request.timeout().toMinutes() + " minutes"));
  }

  /** The build's shell went away: a timeout or stop we caused, or the sandbox died. */
  private PhaseOutcome shellGone(ShellClosedException e) {
    if (interruptedBy != null) {
      return interruptedOutcome();
    }
    Sandbox s = sandbox;
    String why = s == null ? null : s.diagnoseDeath().orElse(null);
    return new PhaseOutcome.Failed(
        new PhaseContext(
            PhaseContext.CLIENT_ERROR,
            "Build container found dead before completing the build. "
                + (why != null ? why : e.getMessage())));
  }

  private PhaseOutcome fault(Exception e) {
    if (interruptedBy != null) {
      return interruptedOutcome();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new PhaseOutcome.Faulted(new PhaseContext(PhaseContext.AGENT_ERROR, message));
  }

  private void agent(String text) {
    log.accept(new LogLine(services.clock().instant(), LogLine.Source.AGENT, text));
  }

  private void output(OutputLine line) {
    LogLine.Source source =
        line.stream() == OutputLine.Stream.STDOUT ? LogLine.Source.STDOUT : LogLine.Source.STDERR;
    log.accept(new LogLine(services.clock().instant(), source, line.text(), line.cut()));
    Consumer<OutputLine> t = tap;
    if (t != null) {
      t.accept(new OutputLine(line.stream(), log.redact(line.text()), line.cut()));
    }
  }
}
