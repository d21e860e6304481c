package dev.localbuild.runtime;

import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.Provisioner;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The changing state of one build attempt, owned by its thread, and the record it publishes after
 * every change.
 */
final class BuildRecordState {
  private BuildRequest request;
  private final BuildIdentity id;
  private final Provisioner provisioner;
  private final Consumer<BuildRecord> publish;
  private final Clock clock;
  private final List<PhaseRecord> phases = new ArrayList<>();
  private @Nullable String resolvedSourceVersion;
  private BuildRecord.@Nullable Artifact artifacts;
  private List<BuildRecord.Artifact> secondaryArtifacts = List.of();
  private List<BuildRecord.NameValue> exported = List.of();
  private List<String> reportArns = List.of();
  private BuildRecord.@Nullable AutoRetry autoRetry;
  private boolean succeeding = true;
  private String shellProgram = "sh";
  private @Nullable StatusType finalStatus;
  private @Nullable Instant endTime;
  private @Nullable Boolean cacheHit;

  BuildRecordState(
      BuildRequest request,
      BuildIdentity id,
      Provisioner provisioner,
      Consumer<BuildRecord> publish,
      Clock clock) {
    this.request = request;
    this.clock = clock;
    this.id = id;
    this.provisioner = provisioner;
    this.publish = publish;
    this.resolvedSourceVersion = request.primarySource().resolvedVersion();
  }

  /** A phase that starts and ends at once (SUBMITTED, QUEUED). */
  void instant(PhaseType type) {
    Instant now = clock.instant();
    phases.add(PhaseRecord.ended(type, now, now, PhaseOutcome.SUCCEEDED));
    publish();
  }

  Instant start(PhaseType type) {
    Instant now = clock.instant();
    phases.add(new PhaseRecord(type, StatusType.IN_PROGRESS, now, null, List.of()));
    publish();
    return now;
  }

  void end(PhaseType type, Instant start, PhaseOutcome outcome) {
    PhaseRecord done = PhaseRecord.ended(type, start, clock.instant(), outcome);
    if (!phases.isEmpty() && phases.getLast().type() == type) {
      phases.set(phases.size() - 1, done);
    } else {
      phases.add(done);
    }
    publish();
  }

  /** Adds COMPLETED and the final status. */
  BuildRecord complete() {
    finalStatus = PhaseTransitions.buildStatus(phases);
    endTime = clock.instant();
    phases.add(new PhaseRecord(PhaseType.COMPLETED, null, endTime, null, List.of()));
    return publish();
  }

  /** A phase failed: {@code CODEBUILD_BUILD_SUCCEEDING} is 0 from now on. */
  void failing() {
    succeeding = false;
  }

  boolean succeeding() {
    return succeeding;
  }

  String shellProgram() {
    return shellProgram;
  }

  void shellProgram(String program) {
    shellProgram = program;
  }

  /** The buildspec's cache was restored (a hit) or started empty (a miss). */
  void cacheRestored(boolean hit) {
    cacheHit = hit;
  }

  /** The sources as fetched: their commits and where the buildspec is. */
  void sources(BuildRequest fetched) {
    request = fetched;
    resolvedSourceVersion = fetched.primarySource().resolvedVersion();
    publish();
  }

  void resolvedSourceVersion(@Nullable String v) {
    resolvedSourceVersion = v;
    publish();
  }

  void exported(List<BuildRecord.NameValue> values) {
    exported = List.copyOf(values);
    publish();
  }

  void artifacts(BuildRecord.@Nullable Artifact primary, List<BuildRecord.Artifact> secondary) {
    artifacts = primary;
    secondaryArtifacts = List.copyOf(secondary);
    publish();
  }

  void reports(List<String> arns) {
    reportArns = List.copyOf(arns);
    publish();
  }

  void autoRetry(BuildRecord.AutoRetry retry) {
    autoRetry = retry;
    publish();
  }

  BuildRecord publish() {
    BuildRecord r = snapshot();
    publish.accept(r);
    return r;
  }

  BuildRecord snapshot() {
    PhaseType current = phases.isEmpty() ? PhaseType.SUBMITTED : phases.getLast().type();
    List<BuildRecord.Source> secondary =
        request.secondarySources().stream()
            .map(s ->
                new BuildRecord.Source(
                    s.type(),
                    s.location(),
                    null,
                    s.identifier(),
                    s.sourceVersion() != null ? s.sourceVersion() : s.resolvedVersion()))
            .toList();
    SourceInfo p = request.primarySource();
    // the variables the build was given, as CodeBuild's record shows them: the project's, with
    // the overrides (environmentVariablesOverride, -e, --env) in place of those they override
    Map<String, BuildRecord.EnvironmentVariable> byName = new LinkedHashMap<>();
    request
        .projectVariables()
        .forEach((k, v) -> byName.put(k, new BuildRecord.EnvironmentVariable(k, v, "PLAINTEXT")));
    request
        .projectParameters()
        .forEach(
            (k, v) -> byName.put(k, new BuildRecord.EnvironmentVariable(k, v, "PARAMETER_STORE")));
    request
        .projectSecrets()
        .forEach(
            (k, v) -> byName.put(k, new BuildRecord.EnvironmentVariable(k, v, "SECRETS_MANAGER")));
    request
        .overrides()
        .forEach((k, v) -> byName.put(k, new BuildRecord.EnvironmentVariable(k, v, "PLAINTEXT")));
    List<BuildRecord.EnvironmentVariable> vars = new ArrayList<>(byName.values());
    return new BuildRecord(
        id.buildId(),
        id.buildArn(),
        id.buildNumber(),
        id.projectName(),
        id.startTime(),
        endTime,
        current,
        finalStatus == null ? StatusType.IN_PROGRESS : finalStatus,
        p.sourceVersion(),
        resolvedSourceVersion,
        phases,
        new BuildRecord.Source(p.type(), p.location(), request.buildspec().describe(), null, null),
        secondary,
        new BuildRecord.Environment(
            "LINUX_CONTAINER",
            provisioner.image(),
            request.computeType(),
            request.privilegedMode(),
            vars,
            provisioner.executor()),
        request.timeout().toMinutes(),
        id.initiator(),
        artifacts,
        secondaryArtifacts,
        exported,
        reportArns,
        autoRetry,
        request.settings(),
        request.primarySource().dirty(),
        provisioner.imageDigest(),
        cacheHit);
  }
}
