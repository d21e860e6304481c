package dev.localbuild.agent.build;

import dev.localbuild.runtime.event.BuildEventSink;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.model.BuildRecord;
import java.util.function.Consumer;

/**
 * Who hears of a build: the front-end that started it. The command line prints; the server stores
 * and publishes.
 *
 * @param notices the agent's own progress and notes, outside the build's log (the command line's
 *     stderr)
 * @param log the build's log lines, secrets already masked
 * @param records each new record of the build (called on the build's thread)
 * @param events the build's numbered events (phases, log lines, its end), for stores and followers
 * @param progress the agent's progress on slow steps (pulls, image builds, cache transfers)
 */
public record BuildListener(
    Consumer<String> notices,
    LogSink log,
    Consumer<BuildRecord> records,
    BuildEventSink events,
    Progress progress) {
  /** A listener whose progress is a notice every few seconds. */
  public BuildListener(
      Consumer<String> notices, LogSink log, Consumer<BuildRecord> records, BuildEventSink events) {
    this(notices, log, records, events, Progress.lines(notices));
  }

  /** A listener that does not need the numbered events. */
  public BuildListener(Consumer<String> notices, LogSink log, Consumer<BuildRecord> records) {
    this(notices, log, records, e -> {});
  }
}
