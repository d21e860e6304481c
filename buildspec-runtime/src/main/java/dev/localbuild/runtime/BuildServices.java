package dev.localbuild.runtime;

import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.report.ReportStore;
import dev.localbuild.runtime.sandbox.Provisioner;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the engine uses to run builds: the executor, where outputs go, how secrets resolve, where
 * the log goes, and who hears of every change to the build record.
 *
 * @param provisioner makes the build's sandbox
 * @param artifacts receives artifact zips
 * @param reports receives test and coverage reports
 * @param secrets resolves parameter-store and secrets-manager references
 * @param cache restores and saves the buildspec's cache
 * @param hooks the executor's own steps around the build
 * @param log receives every log line (already masked)
 * @param records receives each new build record (thread-safe; called on the build's thread)
 * @param clock the time
 * @param sources fetches the sources in DOWNLOAD_SOURCE; null when they are on this machine already
 */
public record BuildServices(
    Provisioner provisioner,
    ArtifactStore artifacts,
    ReportStore reports,
    SecretResolver secrets,
    BuildCache cache,
    BuildHooks hooks,
    LogSink log,
    Consumer<BuildRecord> records,
    Clock clock,
    @Nullable SourceFetcher sources) {
  /** Services for sources that are on this machine already. */
  public BuildServices(
      Provisioner provisioner,
      ArtifactStore artifacts,
      ReportStore reports,
      SecretResolver secrets,
      BuildCache cache,
      BuildHooks hooks,
      LogSink log,
      Consumer<BuildRecord> records,
      Clock clock) {
    this(provisioner, artifacts, reports, secrets, cache, hooks, log, records, clock, null);
  }

  public BuildServices {
    Objects.requireNonNull(provisioner, "provisioner");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(reports, "reports");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(clock, "clock");
  }
}
