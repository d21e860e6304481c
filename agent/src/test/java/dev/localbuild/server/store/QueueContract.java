package dev.localbuild.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue and the agents' leases, whichever database holds them: every build claimed once, fair
 * between projects, by the agents of its fleet; a lost agent's builds FAULT once and its writes
 * refused after.
 */
abstract class QueueContract extends StoreContract {
  static final long NOW = 1_000_000L;

  static AgentStore.Agent agent(String id, String fleet, boolean unassigned) {
    return new AgentStore.Agent(
        id,
        id.substring(0, id.indexOf('/')),
        fleet,
        unassigned,
        2,
        0,
        "",
        NOW,
        NOW + 30_000,
        "ACTIVE");
  }

  static void queue(BuildStore b, String id, String fleet) throws Exception {
    String project = id.substring(0, id.indexOf(':'));
    long number = Long.parseLong(id.substring(id.indexOf(':') + 1));
    b.insert(
        new BuildStore.Row(
            id, project, number, "QUEUED", json("{\"id\": \"" + id + "\"}"), json("{}")),
        null,
        fleet,
        null,
        null);
    Thread.sleep(2); // submitted times in order
  }

  static Optional<String> claim(Stores s, String agent, QueueStore.Takes takes) throws Exception {
    return s.queue().claim(agent, takes).map(BuildStore.Row::id);
  }

  @Test
  void theNextBuildIsTheOldestOfTheProjectWithFewestClaimedAcrossAgents() throws Exception {
    Stores mine = Stores.of(db);
    try (Database other = openAgain(data)) {
      Stores theirs = Stores.of(other);
      mine.agents().register(agent("a/1", null, true));
      theirs.agents().register(agent("b/1", null, true));
      for (String id : List.of("web:1", "web:2", "web:3", "api:1")) {
        queue(mine.builds(), id, null);
      }
      QueueStore.Takes any = QueueStore.Takes.UNASSIGNED;
      assertThat(claim(mine, "a/1", any)).contains("web:1");
      assertThat(claim(theirs, "b/1", any)).contains("api:1"); // api has none claimed, web one
      assertThat(claim(theirs, "b/1", any)).contains("web:2");
      assertThat(claim(mine, "a/1", any)).contains("web:3");
      assertThat(claim(mine, "a/1", any)).isEmpty();
      assertThat(mine.queue().held("b/1")).containsExactlyInAnyOrder("api:1", "web:2");
    }
  }

  @Test
  void buildsClaimedAtOnceByTwoAgentsAreEachClaimedOnce() throws Exception {
    Stores mine = Stores.of(db);
    for (int n = 1; n <= 40; n++) {
      mine.builds()
          .insert(new BuildStore.Row("web:" + n, "web", n, "QUEUED", json("{}"), json("{}")), null);
    }
    try (Database other = openAgain(data)) {
      Stores[] agents = {mine, Stores.of(other)};
      mine.agents().register(agent("a/1", null, true));
      mine.agents().register(agent("b/1", null, true));
      Set<String> claimed = ConcurrentHashMap.newKeySet();
      List<String> twice = new CopyOnWriteArrayList<>();
      var pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Stores s = agents[t % 2];
          String id = t % 2 == 0 ? "a/1" : "b/1";
          futures.add(
              pool.submit(() -> {
                Optional<String> got;
                while ((got = claim(s, id, QueueStore.Takes.UNASSIGNED)).isPresent()) {
                  if (!claimed.add(got.get())) {
                    twice.add(got.get());
                  }
                }
                return null;
              }));
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(twice).isEmpty();
      assertThat(claimed).hasSize(40);
      assertThat(mine.queue().waiting()).isZero();
    }
  }

  @Test
  void anAgentTakesItsFleetsBuildsAndUnassignedOnesOnlyWhenTold() throws Exception {
    Stores s = Stores.of(db);
    s.agents().register(agent("plain/1", null, true));
    s.agents().register(agent("gpu/1", "gpu", false));
    s.agents().register(agent("both/1", "gpu", true));
    queue(s.builds(), "train:1", "gpu");
    queue(s.builds(), "web:1", null);
    queue(s.builds(), "train:2", "gpu");

    assertThat(claim(s, "plain/1", new QueueStore.Takes(null, true))).contains("web:1");
    assertThat(claim(s, "plain/1", new QueueStore.Takes(null, true))).isEmpty();
    assertThat(claim(s, "gpu/1", new QueueStore.Takes("gpu", false))).contains("train:1");
    queue(s.builds(), "web:2", null);
    assertThat(claim(s, "gpu/1", new QueueStore.Takes("gpu", false))).contains("train:2");
    assertThat(claim(s, "gpu/1", new QueueStore.Takes("gpu", false))).isEmpty();
    assertThat(claim(s, "both/1", new QueueStore.Takes("gpu", true))).contains("web:2");
  }

  @Test
  void aLostAgentsBuildsFaultOnceAndItsWritesAreRefused() throws Exception {
    Stores mine = Stores.of(db);
    mine.agents().register(agent("dead/1", null, true));
    queue(mine.builds(), "web:1", null);
    queue(mine.builds(), "web:2", null);
    queue(mine.builds(), "web:3", null);
    assertThat(claim(mine, "dead/1", QueueStore.Takes.UNASSIGNED)).contains("web:1");
    assertThat(mine.builds().get("web:1").orElseThrow().status()).isEqualTo("IN_PROGRESS");
    assertThat(mine.queue().update("web:1", "dead/1", "IN_PROGRESS", json("{\"id\": \"web:1\"}")))
        .isTrue();
    assertThat(claim(mine, "dead/1", QueueStore.Takes.UNASSIGNED)).contains("web:2");

    // two agents look at once, after the lease ran out: one of them declares it lost
    List<AgentStore.Lost> lost = new CopyOnWriteArrayList<>();
    try (Database other = openAgain(data)) {
      Stores theirs = Stores.of(other);
      var pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Stores s : List.of(mine, theirs)) {
          futures.add(
              pool.submit(() -> {
                lost.addAll(
                    s.agents()
                        .declareLost(NOW + 31_000, null, (r, name) -> r.put("faultedFor", name)));
                return null;
              }));
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(lost).hasSize(1);
    assertThat(lost.getFirst().faulted()).containsExactlyInAnyOrder("web:1", "web:2");
    BuildStore.Row faulted = mine.builds().get("web:1").orElseThrow();
    assertThat(faulted.status()).isEqualTo("FAULT");
    assertThat(faulted.record().path("faultedFor").asText()).isEqualTo("dead");
    assertThat(mine.queue().waiting()).isEqualTo(1); // web:3, which it never claimed

    // the lost agent, back, can change nothing: not its build, nor its lease, nor a new claim
    ObjectNode late = json("{\"id\": \"web:1\", \"buildStatus\": \"SUCCEEDED\"}");
    assertThat(mine.queue().update("web:1", "dead/1", "SUCCEEDED", late)).isFalse();
    assertThat(mine.builds().get("web:1").orElseThrow().status()).isEqualTo("FAULT");
    assertThat(mine.agents().renew("dead/1", NOW + 60_000, 0)).isFalse();
    assertThat(claim(mine, "dead/1", QueueStore.Takes.UNASSIGNED)).isEmpty();
    assertThat(mine.agents().declareLost(NOW + 90_000, null, (r, n) -> {})).isEmpty();
  }

  @Test
  void aWaitingBuildStopsInTheQueueAndAClaimedOneIsAskedOfItsAgent() throws Exception {
    Stores s = Stores.of(db);
    s.agents().register(agent("a/1", null, true));
    List<String> heard = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    db.listen(
        QueueStore.STOP,
        id -> {
          if (id != null) {
            heard.add(id);
          } else {
            listening.countDown(); // PostgreSQL: LISTEN is in place
          }
        });
    if (db.shared()) {
      assertThat(listening.await(30, TimeUnit.SECONDS)).isTrue();
    }
    queue(s.builds(), "web:1", null);
    queue(s.builds(), "web:2", null);
    assertThat(s.queue().endWaiting("web:1", "STOPPED", json("{}"))).isTrue();
    assertThat(claim(s, "a/1", QueueStore.Takes.UNASSIGNED)).contains("web:2");
    assertThat(s.queue().endWaiting("web:2", "STOPPED", json("{}"))).isFalse();

    s.queue().requestStop("web:2");
    assertThat(s.queue().stopRequests("a/1")).containsExactly("web:2");
    for (int i = 0; i < 100 && heard.isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(50); // NOTIFY arrives on the LISTEN connection's own time
    }
    assertThat(heard).containsExactly("web:2");
  }

  @Test
  void agentsSharingADatabaseMustShareItsMasterKey(@TempDir Path elsewhere) throws Exception {
    new KeyStore(db, data, "000000000000").create();
    assertThatThrownBy(() -> new KeyStore(db, elsewhere, "000000000000"))
        .hasMessageContaining(elsewhere.resolve("master.key").toString())
        .hasMessageContaining("every agent sharing a database needs the same master.key");
    new KeyStore(db, data, "000000000000"); // the same one is fine
  }
}
