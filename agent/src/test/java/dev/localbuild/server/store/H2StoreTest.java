package dev.localbuild.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stores on the embedded database, the default. */
class H2StoreTest extends QueueContract {
  @Override
  Database open(Path data) throws Exception {
    return Database.open(data, null);
  }

  @Override
  Database openAgain(Path data) throws Exception {
    return Database.open(data, null);
  }

  @Test
  void aServerUpgradedFromFileCountersGoesOnFromItsHighestBuildNumber(@TempDir Path old)
      throws Exception {
    // the schema of the server before build numbers were rows (V1), with builds in it
    String url = "jdbc:h2:file:" + old.resolve("localbuild") + ";AUTO_SERVER=TRUE";
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (var c = DriverManager.getConnection(url, "sa", "");
        var st = c.createStatement()) {
      for (int n : new int[] {3, 7, 5}) {
        st.execute(
            "INSERT INTO builds (id, project, number, status, record, request, submitted)"
                + " VALUES ('web:"
                + n
                + "', 'web', "
                + n
                + ", 'SUCCEEDED', '{}', '{}', 0)");
      }
    }
    try (Database upgraded = Database.open(old, null)) {
      BuildNumberStore numbers = new BuildNumberStore(upgraded);
      assertThat(numbers.next("web")).isEqualTo(8);
      assertThat(numbers.next("api")).isEqualTo(1);
    }
  }

  @Test
  void aTransactionLateToEndLeavesTheDatabaseClosedAndNoneOpensAfterClose(@TempDir Path data)
      throws Exception {
    Database db = Database.open(data, null);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var late =
        CompletableFuture.supplyAsync(() -> {
          try {
            return db.transact(c -> {
              inside.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new java.sql.SQLException(e);
              }
              return c.createStatement().executeQuery("SELECT 1").next();
            });
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    db.close();
    release.countDown();
    assertThat(late.get(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> db.transact(c -> 1)).hasMessage("the database is closed");
    // the connection given back after close() was closed too: H2 let go of its lock file
    // (a connection left in the pool would hold it, and the directory could not be removed)
    assertThat(Files.exists(data.resolve("localbuild.lock.db"))).isFalse();
  }
}
