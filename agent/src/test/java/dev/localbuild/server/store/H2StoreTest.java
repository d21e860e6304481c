package dev.localbuild.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
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
}
