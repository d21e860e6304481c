package dev.localbuild.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Notifications between agents sharing a database, so that a waiting agent wakes when a build is
 * queued or a stop is asked for instead of polling tightly. On PostgreSQL they are NOTIFY, sent
 * with the transaction's commit, and one LISTEN connection per agent hears them (its own too). On
 * H2, which one process uses, they go straight to this process's listeners after the commit.
 */
final class Signals implements AutoCloseable {
  private record Pending(String channel, String payload) {}

  private final Database db;
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
  // H2: what a transaction notified, sent when it commits
  private final Map<Connection, List<Pending>> pending = new ConcurrentHashMap<>();
  private final Set<String> listening = ConcurrentHashMap.newKeySet();
  private volatile Thread listener;
  private volatile boolean closed;

  Signals(Database db) {
    this.db = db;
  }

  void notify(Connection c, String channel, String payload) throws SQLException {
    if (db.shared()) {
      try (var st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
        st.setString(1, channel);
        st.setString(2, payload);
        st.executeQuery().close();
      }
    } else {
      pending.computeIfAbsent(c, k -> new ArrayList<>()).add(new Pending(channel, payload));
    }
  }

  void committed(Connection c) {
    List<Pending> sent = pending.remove(c);
    if (sent != null) {
      sent.forEach(p -> deliver(p.channel(), p.payload()));
    }
  }

  void rolledBack(Connection c) {
    pending.remove(c);
  }

  synchronized void listen(String channel, Consumer<String> consumer) {
    listeners.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(consumer);
    if (db.shared() && listener == null) {
      listener =
          Thread.ofPlatform().name("localbuild-listen").daemon().start(this::listenToPostgres);
    }
  }

  private void deliver(String channel, String payload) {
    for (Consumer<String> l : listeners.getOrDefault(channel, List.of())) {
      try {
        l.accept(payload);
      } catch (RuntimeException e) {
        // a listener's failure is its own: the others still hear
      }
    }
  }

  /**
   * One connection that LISTENs; when it breaks, another, and everyone is told they may have missed
   * something.
   */
  private void listenToPostgres() {
    while (!closed) {
      try (Connection c = db.connect()) {
        listening.clear();
        PGConnection pg = c.unwrap(PGConnection.class);
        boolean first = true;
        while (!closed) {
          for (String channel : listeners.keySet()) {
            if (listening.add(channel)) {
              try (var st = c.createStatement()) {
                st.execute("LISTEN " + channel); // channel names are this code's constants
              }
            }
          }
          if (first) {
            first = false;
            listeners.keySet().forEach(ch -> deliver(ch, null)); // what came while not listening
          }
          PGNotification[] got = pg.getNotifications(500);
          if (got != null) {
            for (PGNotification n : got) {
              deliver(n.getName(), n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        try {
          Thread.sleep(1000); // the database is away: try again, not in a tight loop
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t = listener;
    if (t != null) {
      t.interrupt();
    }
  }
}
