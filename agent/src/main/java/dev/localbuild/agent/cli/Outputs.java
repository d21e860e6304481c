package dev.localbuild.agent.cli;

import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.S3ArtifactStore;
import dev.localbuild.agent.output.DirectoryArtifactStore;
import dev.localbuild.agent.output.DirectoryReportStore;
import dev.localbuild.agent.output.DockerOutputWatch;
import dev.localbuild.agent.output.TerminalLog;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.BuildRecord;
import dev.localbuild.runtime.BuildServices;
import dev.localbuild.runtime.artifact.ArtifactStore;
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
record Outputs(
    Path artifactsDir, Path reportsDir, DirectoryReportStore reports, DockerOutputWatch watch) {
  static Outputs create(RunOptions o, Path state, String project, long buildNumber) {
    Path base = state.resolve("projects").resolve(project);
    Path artifacts =
        o.artifacts != null
            ? o.artifacts.toAbsolutePath()
            : base.resolve("artifacts").resolve(Long.toString(buildNumber));
    Path reports =
        o.reports != null
            ? o.reports.toAbsolutePath()
            : base.resolve("reports").resolve(Long.toString(buildNumber));
    return new Outputs(
        artifacts,
        reports,
        new DirectoryReportStore(reports),
        new DockerOutputWatch(new TerminalLog(System.out)));
  }

  BuildServices services(
      Executor executor,
      AwsSetup aws,
      @Nullable ProjectConfig project,
      Consumer<BuildRecord> records) {
    return new BuildServices(
        executor.provisioner(),
        artifacts(aws, project),
        reports,
        aws.secrets(),
        executor.cache(),
        executor.hooks(),
        watch,
        records,
        Clock.systemUTC());
  }

  private ArtifactStore artifacts(AwsSetup aws, @Nullable ProjectConfig project) {
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
