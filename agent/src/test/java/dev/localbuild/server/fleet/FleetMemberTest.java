package dev.localbuild.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent alone on its H2 database: nobody else could take its builds, so it never fences. */
class FleetMemberTest {
  @TempDir Path data;

  @Test
  void anAgentAloneOnH2KeepsItsBuildsThroughALongStall() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
    InstantSource clock = now::get;
    List<String> stopped = new CopyOnWriteArrayList<>();
    try (Database db = Database.open(data, null)) {
      Stores s = Stores.of(db);
      FleetMember member =
          new FleetMember(
              db,
              s.agents(),
              s.queue(),
              new FleetMember.Config("laptop", null, true, 2, Duration.ofSeconds(30)),
              clock,
              m -> {},
              (r, why) -> {});
      member.join("");
      String id = member.id();
      assertThat(id).startsWith("laptop/");
      FleetMember.Builds builds =
          new FleetMember.Builds() {
            @Override
            public int running() {
              return 1;
            }

            @Override
            public void stop(String build) {}

            @Override
            public void stopAll(String why) {
              stopped.add(why);
            }
          };
      member.start(builds);
      now.set(now.get().plus(Duration.ofMinutes(10))); // the lid was closed
      member.watch();
      assertThat(stopped).isEmpty();
      assertThat(member.id()).isEqualTo(id);
      member.close();
    }
  }
}
