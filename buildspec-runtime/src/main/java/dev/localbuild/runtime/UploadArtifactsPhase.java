package dev.localbuild.runtime;

import dev.localbuild.buildspec.ArtifactsSpec;
import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.ReportGroupSpec;
import dev.localbuild.runtime.artifact.ArtifactPacker;
import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.log.Redactor;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.report.Report;
import dev.localbuild.runtime.report.ReportCollector;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * UPLOAD_ARTIFACTS: the primary and secondary artifacts, then the report groups. Nothing matched by
 * an artifact fails the phase with CodeBuild's CLIENT_ERROR; reports never fail it.
 */
final class UploadArtifactsPhase {
  private final BuildServices services;
  private final Sandbox sandbox;
  private final BuildIdentity id;
  private final BuildRecordState state;
  private final Consumer<String> agent;
  private final Redactor redactor;

  UploadArtifactsPhase(
      BuildServices services,
      Sandbox sandbox,
      BuildIdentity id,
      BuildRecordState state,
      Consumer<String> agent,
      Redactor redactor) {
    this.services = services;
    this.sandbox = sandbox;
    this.id = id;
    this.state = state;
    this.agent = agent;
    this.redactor = redactor;
  }

  PhaseOutcome run(Buildspec buildspec) throws Exception {
    PhaseOutcome outcome = PhaseOutcome.SUCCEEDED;
    ArtifactsSpec spec = buildspec.artifacts();
    if (spec != null) {
      BuildRecord.Artifact primary = null;
      List<BuildRecord.Artifact> secondary = new ArrayList<>();
      PhaseContext failure = null;
      if (!spec.files().isEmpty() || spec.secondary().isEmpty()) {
        Upload up = upload(null, spec);
        primary = up.artifact();
        failure = up.failure();
      }
      for (Map.Entry<String, ArtifactsSpec> e : spec.secondary().entrySet()) {
        agent.accept("Preparing to copy secondary artifacts " + e.getKey());
        Upload up = upload(e.getKey(), e.getValue());
        if (up.artifact() != null) {
          secondary.add(up.artifact());
        }
        if (failure == null) {
          failure = up.failure();
        }
      }
      state.artifacts(primary, secondary);
      if (failure != null) {
        outcome = new PhaseOutcome.Failed(failure);
      }
    }
    reports(buildspec);
    return outcome;
  }

  /**
   * The spec with variables in {@code base-directory}, {@code files} and {@code exclude-paths}
   * expanded in the build's shell, as CodeBuild expands them (AWS's multi-source samples use {@code
   * base-directory: $CODEBUILD_SRC_DIR_source1}). Only {@code $} is expanded: globs stay globs.
   */
  private ArtifactsSpec expanded(ArtifactsSpec spec) throws Exception {
    List<String> all = new ArrayList<>();
    if (spec.baseDirectory() != null) {
      all.add(spec.baseDirectory());
    }
    all.addAll(spec.files());
    all.addAll(spec.excludePaths());
    if (all.stream().noneMatch(s -> s.contains("$"))) {
      return spec;
    }
    List<String> values = DownloadSourcePhase.expand(sandbox, state.shellProgram(), all);
    int i = 0;
    String base = spec.baseDirectory() == null ? null : values.get(i++);
    List<String> files = values.subList(i, i + spec.files().size());
    List<String> excludes = values.subList(i + spec.files().size(), values.size());
    return new ArtifactsSpec(
        files,
        spec.name(),
        base,
        spec.discardPaths(),
        excludes,
        spec.enableSymlinks(),
        spec.s3Prefix(),
        spec.secondary());
  }

  private record Upload(BuildRecord.@Nullable Artifact artifact, @Nullable PhaseContext failure) {}

  private Upload upload(@Nullable String identifier, ArtifactsSpec given) throws Exception {
    ArtifactsSpec spec = expanded(given);
    String name = null;
    if (spec.name() != null) {
      name = DownloadSourcePhase.expand(sandbox, state.shellProgram(), List.of(spec.name())).get(0);
    }
    ArtifactStore.Upload up = services.artifacts().open(id, identifier, name);
    ArtifactPacker.Packed packed;
    try {
      packed =
          new ArtifactPacker(sandbox.workspace(), sandbox.sourceDir(), agent)
              .pack(spec, up.stream());
    } catch (IOException | RuntimeException e) {
      up.abort();
      throw e;
    }
    if (packed.files() == 0) {
      up.abort();
      return new Upload(
          null, new PhaseContext(PhaseContext.CLIENT_ERROR, "no matching artifact paths found"));
    }
    String location;
    try {
      location = up.commit();
    } catch (IOException e) {
      agent.accept("Error uploading artifacts: " + e.getMessage());
      return new Upload(
          null,
          new PhaseContext(
              PhaseContext.CLIENT_ERROR, "Error uploading artifacts: " + e.getMessage()));
    }
    return new Upload(
        new BuildRecord.Artifact(location, packed.sha256(), packed.md5(), name != null, identifier),
        null);
  }

  private void reports(Buildspec buildspec) throws Exception {
    List<String> arns = new ArrayList<>();
    ReportCollector collector =
        new ReportCollector(sandbox.workspace(), sandbox.sourceDir(), agent);
    for (ReportGroupSpec group : buildspec.reports().values()) {
      String name =
          group.name().contains("$")
              ? DownloadSourcePhase.expand(sandbox, state.shellProgram(), List.of(group.name()))
                  .get(0)
              : group.name();
      String groupArn = id.reportGroupArn(name);
      agent.accept("Preparing to copy " + group.format().kind() + " report group: " + name);
      Report report = collector.collect(group, name, groupArn, id.buildArn());
      if (report.files().isEmpty()) {
        agent.accept("No report files found for report group " + name);
        continue;
      }
      report
          .problems()
          .forEach(p -> agent.accept("Unable to read report file " + redactor.redact(p)));
      services.reports().save(report);
      arns.add(report.arn());
    }
    state.reports(arns);
  }
}
