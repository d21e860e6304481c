package dev.localbuild.runtime;

import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.report.ReportStore;
import dev.localbuild.runtime.sandbox.Provisioner;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

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
    Clock clock) {
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
