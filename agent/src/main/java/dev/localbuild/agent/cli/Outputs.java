package dev.localbuild.agent.cli;

import dev.localbuild.agent.output.DirectoryArtifactStore;
import dev.localbuild.agent.output.DirectoryReportStore;
import dev.localbuild.agent.output.DockerOutputWatch;
import dev.localbuild.agent.output.TerminalLog;
import dev.localbuild.runtime.BuildRecord;
import dev.localbuild.runtime.BuildServices;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/** Where one run's artifacts, reports and log go. */
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

  BuildServices services(Executor executor, AwsSetup aws, Consumer<BuildRecord> records) {
    return new BuildServices(
        executor.provisioner(),
        new DirectoryArtifactStore(artifactsDir),
        reports,
        aws.secrets(),
        executor.cache(),
        executor.hooks(),
        watch,
        records,
        Clock.systemUTC());
  }
}
