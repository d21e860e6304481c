package dev.localbuild.agent.build;

import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.S3ArtifactStore;
import dev.localbuild.agent.output.DirectoryArtifactStore;
import dev.localbuild.agent.output.DirectoryReportStore;
import dev.localbuild.agent.output.DockerOutputWatch;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.BuildServices;
import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where one run's artifacts, reports and log go. Artifacts are always kept in the artifacts
 * directory; a project's S3 destinations get them too.
 */
public record BuildOutputs(
    Path artifactsDir, Path reportsDir, DirectoryReportStore reports, DockerOutputWatch watch) {
  static BuildOutputs create(ResolvedOrder o, Path state, long buildNumber, LogSink log) {
    String project = o.request().projectName();
    Path artifacts =
        o.artifactsDirectory() != null
            ? o.artifactsDirectory().toAbsolutePath()
            : keptArtifacts(state, project, buildNumber);
    Path reports =
        o.reportsDirectory() != null
            ? o.reportsDirectory().toAbsolutePath()
            : keptReports(state, project, buildNumber);
    return new BuildOutputs(
        artifacts, reports, new DirectoryReportStore(reports), new DockerOutputWatch(log));
  }

  /** Where a build's artifacts are kept when the order names no directory (the server's). */
  public static Path keptArtifacts(Path state, String project, long buildNumber) {
    return state
        .resolve("projects")
        .resolve(project)
        .resolve("artifacts")
        .resolve(Long.toString(buildNumber));
  }

  /**
   * Where a batch's combined artifacts are kept (the server's batches, and {@code run --batch}'s
   * without {@code -a}).
   */
  public static Path keptBatchArtifacts(Path state, String project, String batch) {
    return state
        .resolve("projects")
        .resolve(project)
        .resolve("batches")
        .resolve(batch)
        .resolve("artifacts.zip");
  }

  /** Where a build's reports are kept when the order names no directory (the server's). */
  public static Path keptReports(Path state, String project, long buildNumber) {
    return state
        .resolve("projects")
        .resolve(project)
        .resolve("reports")
        .resolve(Long.toString(buildNumber));
  }

  BuildServices services(
      ExecutorKit executor, AwsAccess aws, ResolvedOrder order, Consumer<BuildRecord> records) {
    ProjectConfig project = order.project();
    return new BuildServices(
        executor.provisioner(),
        artifacts(aws, project),
        reports,
        aws.secrets(),
        executor.cache(),
        executor.hooks(),
        watch,
        records,
        Clock.systemUTC(),
        order.fetcher());
  }

  private ArtifactStore artifacts(AwsAccess aws, @Nullable ProjectConfig project) {
    ArtifactStore local = new DirectoryArtifactStore(artifactsDir);
    if (project == null || aws.asBuild() == null) {
      return local;
    }
    Map<String, ProjectConfig.Artifacts> secondary = new LinkedHashMap<>();
    project.secondaryArtifacts().forEach(a -> secondary.put(a.artifactIdentifier(), a));
    AwsClients clients = aws.asBuild();
    return new S3ArtifactStore(local, clients::s3, project.artifacts(), secondary);
  }
}
