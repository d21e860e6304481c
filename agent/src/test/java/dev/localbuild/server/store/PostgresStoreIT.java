package dev.localbuild.server.store;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Timeout;

/**
 * The stores on PostgreSQL: Debian's, which {@code .ci/run} installs and starts with a {@code
 * localbuild} role and database ({@code LOCALBUILD_TEST_POSTGRES} names another).
 */
@Timeout(120)
class PostgresStoreIT extends QueueContract {
  static final String URL =
      System.getenv()
          .getOrDefault(
              "LOCALBUILD_TEST_POSTGRES",
              "postgresql://localbuild:localbuild@127.0.0.1:5432/localbuild_test");

  @Override
  Database open(Path data) throws Exception {
    // a fresh schema for each test: what the last one stored is gone
    String rest = URL.replaceFirst("^postgres(ql)?://", "");
    String cred = rest.substring(0, rest.lastIndexOf('@'));
    String where = rest.substring(rest.lastIndexOf('@') + 1);
    try (var c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + where,
                cred.substring(0, cred.indexOf(':')),
                cred.substring(cred.indexOf(':') + 1));
        var st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS public CASCADE");
      st.execute("CREATE SCHEMA public");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(
          "PostgreSQL is not reachable at "
              + URL
              + " ("
              + e.getMessage()
              + "): .ci/run installs and starts it, or set LOCALBUILD_TEST_POSTGRES",
          e);
    }
    return Database.open(data, URL);
  }

  @Override
  Database openAgain(Path data) throws Exception {
    return Database.open(data, URL);
  }
}
