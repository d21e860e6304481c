package dev.localbuild.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The lease's arithmetic with a clock of the test's own: an agent cut off from the database fences
 * itself at half its lease, before anyone may declare it lost at the whole of it.
 */
class AgentLeaseTest {
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
  final InstantSource clock = () -> now.get();
  final List<Long> renewedUntil = new ArrayList<>();
  volatile String database = "up"; // up, away, lost

  final AgentLease lease =
      new AgentLease(
          (id, until, running) -> {
            if (database.equals("away")) {
              throw new SQLException("Connection refused");
            }
            renewedUntil.add(until);
            return database.equals("up");
          },
          "a/1",
          Duration.ofSeconds(30),
          clock);

  void pass(int seconds) {
    now.set(now.get().plusSeconds(seconds));
  }

  @Test
  void aRenewalExtendsTheLeaseByItsLengthFromNow() {
    assertThat(lease.interval()).isEqualTo(Duration.ofSeconds(6));
    pass(6);
    assertThat(lease.renew(1)).isInstanceOf(AgentLease.Outcome.Held.class);
    assertThat(renewedUntil).containsExactly(now.get().plusSeconds(30).toEpochMilli());
    pass(20);
    assertThat(lease.check()).isInstanceOf(AgentLease.Outcome.Fenced.class);
  }

  @Test
  void aDatabaseAwayForLessThanHalfTheLeaseIsRetriedAndThenTheAgentIsFenced() {
    database = "away";
    pass(6);
    assertThat(lease.renew(1)).isInstanceOf(AgentLease.Outcome.Unsure.class);
    pass(6);
    assertThat(lease.renew(1)).isInstanceOf(AgentLease.Outcome.Unsure.class);
    assertThat(lease.check()).isInstanceOf(AgentLease.Outcome.Held.class);
    pass(3); // 15 s since the last renewal: half the lease
    AgentLease.Outcome o = lease.check();
    assertThat(o).isInstanceOf(AgentLease.Outcome.Fenced.class);
    assertThat(((AgentLease.Outcome.Fenced) o).why()).contains("not renewed for 15.0 s");
    database = "up"; // back, too late: fenced stays fenced, a new run joins instead
    assertThat(lease.renew(1)).isInstanceOf(AgentLease.Outcome.Fenced.class);
    assertThat(renewedUntil).isEmpty();
  }

  @Test
  void anAgentDeclaredLostIsFencedAtItsNextRenewal() {
    database = "lost";
    pass(6);
    AgentLease.Outcome o = lease.renew(0);
    assertThat(o).isInstanceOf(AgentLease.Outcome.Fenced.class);
    assertThat(((AgentLease.Outcome.Fenced) o).why())
        .contains("another agent declared this one lost");
  }
}
