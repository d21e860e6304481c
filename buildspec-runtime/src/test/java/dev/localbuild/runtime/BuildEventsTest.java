package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.event.BuildEvent;
import dev.localbuild.runtime.event.BuildEvents;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build's events, as a log follower or an API reads them: numbered, ordered, complete. */
class BuildEventsTest {
  @TempDir Path tmp;

  @Test
  void aBuildIsPhasesAndLinesNumberedWithoutGapsThenItsEnd() throws Exception {
    EngineHarness h = new EngineHarness(tmp);
    List<BuildEvent> events = new CopyOnWriteArrayList<>();
    h.events = new BuildEvents(events::add);
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo one
                  - exit 3
            """);
    assertThat(events).allMatch(e -> e.buildId().equals(r.id()));
    assertThat(events.stream().mapToLong(BuildEvent::sequence))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    List<String> phases =
        events.stream()
            .<String>mapMulti((e, out) -> {
              if (e instanceof BuildEvent.PhaseStarted s) {
                out.accept("start " + s.phase());
              } else if (e instanceof BuildEvent.PhaseEnded x) {
                out.accept("end " + x.phase() + " " + x.status());
              }
            })
            .toList();
    assertThat(phases)
        .startsWith(
            "start SUBMITTED",
            "end SUBMITTED SUCCEEDED",
            "start QUEUED",
            "end QUEUED SUCCEEDED",
            "start PROVISIONING")
        .contains("start BUILD", "end BUILD FAILED", "end FINALIZING SUCCEEDED")
        .doesNotContain("start " + PhaseType.COMPLETED);
    BuildEvent.PhaseEnded build =
        events.stream()
            .filter(e -> e instanceof BuildEvent.PhaseEnded p && p.phase() == PhaseType.BUILD)
            .map(BuildEvent.PhaseEnded.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(build.context().message()).contains("exit status 3");
    // the line the command wrote comes between its phase's start and end
    int started =
        indexOf(
            events, e -> e instanceof BuildEvent.PhaseStarted s && s.phase() == PhaseType.BUILD);
    int line = indexOf(events, e -> e instanceof BuildEvent.Log l && l.line().text().equals("one"));
    int ended = events.indexOf(build);
    assertThat(started).isLessThan(line);
    assertThat(line).isLessThan(ended);
    assertThat(events.getLast())
        .isInstanceOfSatisfying(
            BuildEvent.BuildFinished.class,
            f -> assertThat(f.record().buildStatus()).isEqualTo(StatusType.FAILED));
  }

  private static int indexOf(List<BuildEvent> events, java.util.function.Predicate<BuildEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
