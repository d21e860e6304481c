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

  /** A pooled connection and when it was last given back. */
  private record Pooled(Connection connection, long since) {}

  /** A connection idle longer than this is checked before use; a fresher one is trusted. */
  private static final long CHECK_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private final BlockingQueue<Pooled> idle = new ArrayBlockingQueue<>(POOL);
  private final Signals signals;
  private volatile boolean closed;

  private Database(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.signals = new Signals(this);
  }

  /** Whether this is PostgreSQL, which several agents can share (H2 is one process's). */
  public boolean shared() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** Tells agents (this one too) of a change, on commit of the transaction {@code c} is in. */
  public void notify(Connection c, String channel, String payload) throws SQLException {
    signals.notify(c, channel, payload);
  }

  /**
   * Runs {@code listener} with each payload sent on {@code channel}, by this agent or another
   * sharing the database, and with null when notifications may have been missed (a reconnection).
   */
  public void listen(String channel, java.util.function.Consumer<String> listener) {
    signals.listen(channel, listener);
  }

  /** A new connection of its own, outside the pool (a LISTEN connection). */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
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
    // an agent cut off from the database must not hang in a call: its lease is fenced on time
    // anyway, but its threads should come back; a user's own settings in the URL win
    for (String setting :
        java.util.List.of("connectTimeout=5", "socketTimeout=30", "tcpKeepAlive=true")) {
      if (!rest.contains(setting.substring(0, setting.indexOf('=') + 1))) {
        rest += (rest.contains("?") ? "&" : "?") + setting;
      }
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
    if (closed) {
      // H2 would open the file again (and hold its lock) for a thread that is late to stop
      throw new SQLException("the database is closed");
    }
    // checking each connection would double the round trips of a busy agent; one that failed
    // is closed below, so only a long idle one (the database restarted meanwhile) is checked
    Pooled p = idle.poll();
    Connection c = p == null ? null : p.connection();
    if (c != null && System.nanoTime() - p.since() > CHECK_AFTER_NANOS && !c.isValid(2)) {
      c.close();
      c = null;
    }
    if (c == null) {
      c = DriverManager.getConnection(url, user, password);
      c.setAutoCommit(false);
    }
    boolean ok = false;
    try {
      T result = work.apply(c);
      c.commit();
      ok = true;
      signals.committed(c);
      return result;
    } finally {
      if (!ok) {
        signals.rolledBack(c);
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken: it is closed below
        }
      }
      if (!ok || !idle.offer(new Pooled(c, System.nanoTime()))) {
        c.close();
      }
      if (closed) {
        closeIdle(); // given back while (or after) close() emptied the pool
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    signals.close();
    closeIdle();
  }

  private void closeIdle() {
    Pooled p;
    while ((p = idle.poll()) != null) {
      try {
        p.connection().close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
