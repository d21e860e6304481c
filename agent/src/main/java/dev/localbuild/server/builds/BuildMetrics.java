package dev.localbuild.server.builds;

import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.BuildSettings;
import dev.localbuild.runtime.model.PhaseRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What an operator watches on the server's builds, in Micrometer: the queue's length and wait, the
 * builds running, builds ended by project and status, phase durations, the buildspec cache's hits
 * and misses by cache type, and log lines (their rate is lines per second).
 */
public final class BuildMetrics {
  private final MeterRegistry registry;
  private final Timer queueWait;
  private final Counter logLines;

  public BuildMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queueWait =
        Timer.builder("localbuild.queue.wait")
            .description("Time builds waited in QUEUED before they started")
            .publishPercentiles(0.5, 0.95)
            .register(registry);
    this.logLines =
        Counter.builder("localbuild.log.lines")
            .description("Build log lines stored")
            .register(registry);
  }

  /** Metrics kept nowhere in particular: for tests and embedders that do not read them. */
  public static BuildMetrics none() {
    return new BuildMetrics(new SimpleMeterRegistry());
  }

  /** The queue's length and the builds running, read when scraped. */
  void watch(Supplier<Number> queued, Supplier<Number> running) {
    // strong references: a gauge holds its state weakly, and these lambdas have no other owner
    Gauge.builder("localbuild.queue.length", queued)
        .description("Builds waiting in QUEUED")
        .strongReference(true)
        .register(registry);
    Gauge.builder("localbuild.builds.running", running)
        .description("Builds running on this server")
        .strongReference(true)
        .register(registry);
  }

  void started(Instant submitted, Instant now) {
    queueWait.record(Duration.between(submitted, now));
  }

  void logLine() {
    logLines.increment();
  }

  /** A build has ended: counted by project and status, its phases timed. */
  /**
   * The cache type as the project names it: S3, or the LOCAL mode that holds the buildspec's paths
   * (LOCAL_CUSTOM_CACHE).
   */
  static String cacheType(BuildSettings.Cache c) {
    if (!c.type().equals("LOCAL")) {
      return c.type();
    }
    return c.modes().contains("LOCAL_CUSTOM_CACHE") ? "LOCAL_CUSTOM_CACHE" : "LOCAL";
  }

  void ended(BuildRecord r) {
    Counter.builder("localbuild.builds")
        .description("Builds ended, by project and status")
        .tag("project", r.projectName())
        .tag("status", r.buildStatus().name())
        .register(registry)
        .increment();
    if (r.cacheHit() != null) {
      Counter.builder("localbuild.cache.restores")
          .description("Restores of the buildspec's cache, by cache type and result")
          .tag("type", cacheType(r.settings().cache()))
          .tag("result", r.cacheHit() ? "hit" : "miss")
          .register(registry)
          .increment();
    }
    for (PhaseRecord p : r.phases()) {
      if (p.end() != null) {
        Timer.builder("localbuild.phase.duration")
            .description("Build phase durations")
            .tag("phase", p.type().name())
            .tag("status", p.status() == null ? "UNKNOWN" : p.status().name())
            .register(registry)
            .record(Duration.between(p.start(), p.end()));
      }
    }
  }
}
