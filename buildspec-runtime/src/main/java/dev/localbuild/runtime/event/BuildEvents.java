package dev.localbuild.runtime.event;

import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns what the engine publishes (a new record after every change, and log lines) into numbered
 * {@link BuildEvent}s: a phase that appears is started, one that gets a status has ended, a record
 * with an end time is finished. A retry is a new build with its own numbering; log lines belong to
 * the build whose record came last, as the engine runs one attempt at a time.
 */
public final class BuildEvents implements Consumer<BuildRecord>, LogSink {
  private final BuildEventSink sink;
  private final Map<String, Long> sequences = new HashMap<>();
  private final Map<String, Integer> phasesSeen = new HashMap<>();
  private final Map<String, Integer> phasesEnded = new HashMap<>();
  private final Set<String> finished = new HashSet<>();
  private String current = "";

  public BuildEvents(BuildEventSink sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void accept(BuildRecord r) {
    current = r.id();
    int seen = phasesSeen.getOrDefault(r.id(), 0);
    int ended = phasesEnded.getOrDefault(r.id(), 0);
    for (int i = ended; i < r.phases().size(); i++) {
      PhaseRecord p = r.phases().get(i);
      if (p.type() == PhaseType.COMPLETED) {
        ended = i + 1;
        seen = Math.max(seen, i + 1);
        continue;
      }
      if (i >= seen) {
        sink.accept(new BuildEvent.PhaseStarted(r.id(), next(r.id()), p.start(), p.type()));
        seen = i + 1;
      }
      if (p.end() != null && p.status() != null) {
        sink.accept(
            new BuildEvent.PhaseEnded(
                r.id(),
                next(r.id()),
                p.end(),
                p.type(),
                p.status(),
                p.contexts().isEmpty() ? null : p.contexts().getFirst()));
        ended = i + 1;
      } else {
        break; // in progress: what follows it has not begun
      }
    }
    phasesSeen.put(r.id(), seen);
    phasesEnded.put(r.id(), ended);
    if (r.endTime() != null && finished.add(r.id())) {
      sink.accept(new BuildEvent.BuildFinished(r.id(), next(r.id()), r.endTime(), r));
    }
  }

  @Override
  public synchronized void accept(LogLine line) {
    sink.accept(new BuildEvent.Log(current, next(current), line.at(), line));
  }

  private long next(String buildId) {
    return sequences.merge(buildId, 1L, Long::sum);
  }
}
