package dev.localbuild.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server's stores must do, whichever database holds them: run on the embedded H2 ({@link
 * H2StoreTest}) and on PostgreSQL ({@link PostgresStoreIT}).
 */
abstract class StoreContract {
  @TempDir Path data;
  Database db;

  /** A fresh, migrated, empty database. */
  abstract Database open(Path data) throws Exception;

  /** A second handle on the database {@link #open} made, as another agent sharing it has. */
  abstract Database openAgain(Path data) throws Exception;

  @BeforeEach
  void openDatabase() throws Exception {
    db = open(data);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  static ObjectNode json(String text) throws Exception {
    return (ObjectNode) RecordJson.MAPPER.readTree(text);
  }

  @Test
  void aWebhookDeliveryIsClaimedOnceEvenByTwoAgents() throws Exception {
    DeliveryStore mine = new DeliveryStore(db);
    try (Database other = openAgain(data)) {
      DeliveryStore theirs = new DeliveryStore(other);
      assertThat(mine.claim("web", "d-1", "GITHUB", "PUSH")).isTrue();
      assertThat(theirs.claim("web", "d-1", "GITHUB", "PUSH")).isFalse();
      assertThat(theirs.claim("api", "d-1", "GITHUB", "PUSH")).isTrue(); // per project
    }
    mine.finish("web", "d-1", "ACCEPTED", null, "web:1234");
    assertThat(mine.claim("web", "d-2", "GITLAB", null)).isTrue();
    mine.finish("web", "d-2", "FILTERED", "group 1: EVENT does not match PUSH", null);
    assertThat(mine.list("web", 10))
        .extracting(DeliveryStore.Delivery::deliveryId, DeliveryStore.Delivery::result)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("d-1", "ACCEPTED"),
            org.assertj.core.groups.Tuple.tuple("d-2", "FILTERED"));
  }

  @Test
  void buildsArePagedNewestFirstWithoutGapsOrRepeatsAndTheirChangesAreTold() throws Exception {
    BuildStore builds = new BuildStore(db);
    java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    AutoCloseable watch = builds.changes().watch("web:5", () -> told.add("web:5"));
    // two projects' builds, several in the same millisecond: the id breaks the tie
    for (int n = 1; n <= 7; n++) {
      for (String p : new String[] {"web", "api"}) {
        builds.insert(
            new BuildStore.Row(p + ":" + n, p, n, "SUCCEEDED", json("{}"), json("{}")), null);
      }
    }
    java.util.List<String> all = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      BuildStore.Page page = builds.page(null, cursor, 3);
      page.rows().forEach(r -> all.add(r.id()));
      cursor = page.next();
      pages++;
    } while (cursor != null);
    assertThat(all).hasSize(14).doesNotHaveDuplicates();
    assertThat(pages).isEqualTo(5);
    assertThat(all.indexOf("web:7")).isLessThan(all.indexOf("web:1")); // newest first
    BuildStore.Page first = builds.page("web", null, 4);
    assertThat(first.rows()).extracting(BuildStore.Row::number).containsExactly(7L, 6L, 5L, 4L);
    assertThat(builds.page("web", first.next(), 4).rows())
        .extracting(BuildStore.Row::number)
        .containsExactly(3L, 2L, 1L);
    assertThat(builds.page("web", first.next(), 4).next()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builds.page(null, "x'--", 3))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(told).hasSize(1); // its insert
    builds.appendLog("web:5", 1, 0, "a line");
    builds.update("web:5", "FAILED", json("{}"));
    builds.appendLog("web:6", 1, 0, "another build's line");
    assertThat(told).hasSize(3);
    watch.close();
    builds.appendLog("web:5", 2, 0, "after the watch ended");
    assertThat(told).hasSize(3);
    assertThat(builds.changes().watched()).isZero();
  }

  @Test
  void projectsAreCreatedOnceReadUpdatedAndDeleted() throws Exception {
    ProjectStore p = new ProjectStore(db);
    assertThat(p.create("web", json("{\"name\": \"web\", \"n\": 1}"))).isTrue();
    assertThat(p.create("web", json("{\"name\": \"web\", \"n\": 2}"))).isFalse();
    assertThat(p.create("api", json("{\"name\": \"api\"}"))).isTrue();
    assertThat(p.get("web")).get().extracting(n -> n.path("n").asInt()).isEqualTo(1);
    assertThat(p.names(false, false)).containsExactly("api", "web");
    assertThat(p.names(true, false)).containsExactly("web", "api");
    assertThat(p.update("web", json("{\"name\": \"web\", \"n\": 3}"))).isTrue();
    assertThat(p.get("web")).get().extracting(n -> n.path("n").asInt()).isEqualTo(3);
    assertThat(p.update("nope", json("{}"))).isFalse();
    assertThat(p.delete("web")).isTrue();
    assertThat(p.get("web")).isEmpty();
  }

  @Test
  void buildsAreStoredListedFoundByTokenAndTheirLogsReadBothWays() throws Exception {
    BuildStore b = new BuildStore(db);
    for (int n = 1; n <= 3; n++) {
      b.insert(
          new BuildStore.Row(
              "web:" + n, "web", n, "QUEUED", json("{\"id\": \"web:" + n + "\"}"), json("{}")),
          n == 2 ? "token" : null);
    }
    b.insert(new BuildStore.Row("api:1", "api", 1, "QUEUED", json("{}"), json("{}")), null);
    b.update("web:1", "IN_PROGRESS", json("{\"id\": \"web:1\", \"buildStatus\": \"IN_PROGRESS\"}"));
    assertThat(b.get("web:1"))
        .get()
        .extracting(r -> r.record().path("buildStatus").asText())
        .isEqualTo("IN_PROGRESS");
    assertThat(b.withStatus("QUEUED"))
        .extracting(BuildStore.Row::id)
        .contains("web:2", "web:3", "api:1");
    assertThat(b.ids("web", false)).containsExactly("web:3", "web:2", "web:1");
    assertThat(b.ids("web", true)).containsExactly("web:1", "web:2", "web:3");
    assertThat(b.ids(null, false)).hasSize(4);
    assertThat(b.byToken("token", 0)).get().extracting(BuildStore.Row::id).isEqualTo("web:2");
    assertThat(b.byToken("token", System.currentTimeMillis() + 60_000)).isEmpty();

    for (int s = 1; s <= 5; s++) {
      b.appendLog("web:1", s, 1000 + s, "line " + s);
    }
    assertThat(b.log("web:1", 0, Long.MAX_VALUE, 2, true))
        .extracting(BuildStore.LogLine::text)
        .containsExactly("line 1", "line 2");
    assertThat(b.log("web:1", 2, Long.MAX_VALUE, 10, true))
        .extracting(BuildStore.LogLine::seq)
        .containsExactly(3L, 4L, 5L);
    assertThat(b.log("web:1", 0, Long.MAX_VALUE, 2, false))
        .extracting(BuildStore.LogLine::text)
        .containsExactly("line 4", "line 5");
    assertThat(b.log("web:1", 0, 4, 10, false))
        .extracting(BuildStore.LogLine::seq)
        .containsExactly(1L, 2L, 3L);
    assertThat(b.delete("web:1")).isTrue();
    assertThat(b.log("web:1", 0, Long.MAX_VALUE, 10, true)).isEmpty();
    assertThat(b.get("web:1")).isEmpty();
  }

  @Test
  void buildNumbersCountPerProjectAndNeverRepeatAcrossAgentsSharingTheDatabase() throws Exception {
    try (Database other = openAgain(data)) {
      BuildNumberStore[] agents = {new BuildNumberStore(db), new BuildNumberStore(other)};
      java.util.Set<Long> taken = java.util.concurrent.ConcurrentHashMap.newKeySet();
      var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
        for (int t = 0; t < 4; t++) {
          BuildNumberStore agent = agents[t % 2];
          futures.add(
              pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                  assertThat(taken.add(agent.next("web"))).as("a number given twice").isTrue();
                }
              }));
        }
        for (var f : futures) {
          f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(taken)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
      assertThat(agents[1].next("api")).isEqualTo(1);
      assertThat(agents[0].next("web")).isEqualTo(101);
      // a project deleted and made again goes on counting: no two builds of "web" share a number
      ProjectStore p = new ProjectStore(db);
      p.create("web", json("{\"name\": \"web\"}"));
      p.delete("web");
      assertThat(agents[1].next("web")).isEqualTo(102);
    }
  }

  @Test
  void keysAreEncryptedAtRestFoundUntilRevoked() throws Exception {
    KeyStore k = new KeyStore(db, data, "000000000000");
    KeyStore.Issued issued = k.create();
    assertThat(k.find(issued.accessKeyId()))
        .get()
        .extracting(a -> a.secretAccessKey())
        .isEqualTo(issued.secretAccessKey());
    String stored =
        db.transact(c -> {
          try (var st = c.prepareStatement("SELECT secret FROM access_keys");
              var rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
          }
        });
    assertThat(stored).doesNotContain(issued.secretAccessKey());
    assertThat(k.list())
        .extracting(KeyStore.Listed::accessKeyId)
        .containsExactly(issued.accessKeyId());
    assertThat(k.revoke(issued.accessKeyId())).isTrue();
    assertThat(k.revoke(issued.accessKeyId())).isFalse();
    assertThat(k.find(issued.accessKeyId())).isEmpty();
    assertThat(k.list().getFirst().revoked()).isNotNull();
  }
}
