package dev.localbuild.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.flywaydb.core.Flyway;

/**
 * The server's database: H2 in the data directory unless a PostgreSQL URL is given, migrated with
 * Flyway on open. Connections are pooled (a few: every call is short and blocking, made off the
 * event loop).
 */
public final class Database implements AutoCloseable {
  private static final int POOL = 8;
  private final String url;
  private final String user;
  private final String password;
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL);

  private Database(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * Opens (and migrates) the database.
   *
   * @param database {@code postgresql://[user[:password]@]host[:port]/name}, or null for H2 in
   *     {@code dataDir}
   */
  public static Database open(Path dataDir, String database) throws SQLException {
    Database db;
    if (database == null) {
      try {
        Files.createDirectories(dataDir);
      } catch (java.io.IOException e) {
        throw new SQLException(
            "cannot create the data directory " + dataDir + ": " + e.getMessage());
      }
      db =
          new Database(
              "jdbc:h2:file:"
                  + dataDir.toAbsolutePath().resolve("localbuild")
                  + ";AUTO_SERVER=TRUE",
              "sa",
              "");
    } else {
      db = postgres(database);
    }
    try {
      Flyway.configure()
          .dataSource(db.url, db.user, db.password)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (org.flywaydb.core.api.FlywayException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new SQLException(cause.getMessage(), e);
    }
    return db;
  }

  private static Database postgres(String database) throws SQLException {
    String rest = database.replaceFirst("^postgres(ql)?://", "");
    if (rest.equals(database)) {
      throw new SQLException(
          "--database " + database + ": expected postgresql://[USER[:PASSWORD]@]HOST[:PORT]/NAME");
    }
    String user = "";
    String password = "";
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String cred = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = cred.indexOf(':');
      user = colon < 0 ? cred : cred.substring(0, colon);
      password = colon < 0 ? "" : cred.substring(colon + 1);
    }
    return new Database("jdbc:postgresql://" + rest, user, password);
  }

  /** Work with a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Runs work on a pooled connection, in a transaction. Blocking: never on an event loop. */
  public <T> T transact(Work<T> work) throws SQLException {
    Connection c = idle.poll();
    if (c == null || !c.isValid(2)) {
      c = DriverManager.getConnection(url, user, password);
      c.setAutoCommit(false);
    }
    boolean ok = false;
    try {
      T result = work.apply(c);
      c.commit();
      ok = true;
      return result;
    } finally {
      if (!ok) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken: it is closed below
        }
      }
      if (!ok || !idle.offer(c)) {
        c.close();
      }
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = idle.poll()) != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
