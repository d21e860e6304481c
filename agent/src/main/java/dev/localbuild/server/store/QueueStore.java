package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The queue, in the database so that every agent sharing it takes from the same one. A waiting
 * build is QUEUED with no agent; an agent claims one with {@code FOR UPDATE SKIP LOCKED}, so two
 * agents never take the same build and neither waits on the other's lock. It claims one only when
 * it has a free slot and starts it at once, so a claimed build is IN_PROGRESS from that moment: an
 * agent holds no queued claims that could run twice. A claimed build is held under its agent's
 * lease ({@link AgentStore}): writes to it are fenced, so an agent that was declared lost can no
 * longer change what another agent recorded.
 */
public final class QueueStore {
  /** The channel on which agents hear that a build waits. */
  public static final String QUEUED = "localbuild_queued";

  /** The channel on which agents hear that a build should stop (its id). */
  public static final String STOP = "localbuild_stop";

  private static final String HELD =
      " AND agent = ? AND EXISTS (SELECT 1 FROM agents a WHERE a.id = ? AND a.status = 'ACTIVE')";

  private final Database db;
  private final BuildStore builds;

  public QueueStore(Database db, BuildStore builds) {
    this.db = db;
    this.builds = builds;
  }

  /**
   * Which builds an agent takes.
   *
   * @param fleet the fleet whose builds it takes; null: builds of projects that name no fleet
   * @param unassigned with a fleet, builds of projects that name no fleet too
   */
  public record Takes(@Nullable String fleet, boolean unassigned) {
    public static final Takes UNASSIGNED = new Takes(null, true);
  }

  /**
   * Claims the next build for {@code agent}: among the oldest waiting ones it may take, the one
   * whose project has the fewest builds claimed now, so that one busy project cannot starve the
   * others on any agent; the oldest first between equals.
   */
  public Optional<BuildStore.Row> claim(String agent, Takes takes) throws SQLException {
    Optional<BuildStore.Row> claimed =
        db.transact(c -> {
          String which =
              takes.fleet() == null
                  ? "fleet IS NULL"
                  : takes.unassigned() ? "(fleet = ? OR fleet IS NULL)" : "fleet = ?";
          List<String[]> candidates = new ArrayList<>();
          try (var st =
              c.prepareStatement(
                  "SELECT id, project FROM builds WHERE status = 'QUEUED' AND agent IS NULL AND "
                      + which
                      + " ORDER BY submitted, number LIMIT 20 FOR UPDATE SKIP LOCKED")) {
            if (takes.fleet() != null) {
              st.setString(1, takes.fleet());
            }
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                candidates.add(new String[] {rs.getString(1), rs.getString(2)});
              }
            }
          }
          if (candidates.isEmpty()) {
            return Optional.<BuildStore.Row>empty();
          }
          String id = fairest(c, candidates);
          try (var st =
              c.prepareStatement(
                  "UPDATE builds SET agent = ?, status = 'IN_PROGRESS' WHERE id = ? AND agent IS"
                      + " NULL AND EXISTS (SELECT 1"
                      + " FROM agents a WHERE a.id = ? AND a.status = 'ACTIVE')")) {
            st.setString(1, agent);
            st.setString(2, id);
            st.setString(3, agent);
            if (st.executeUpdate() == 0) {
              return Optional.<BuildStore.Row>empty(); // this agent was declared lost
            }
          }
          return one(c, id);
        });
    claimed.ifPresent(r -> builds.changes().changed(r.id()));
    return claimed;
  }

  /** Of the candidates (oldest first), the first of a project with the fewest claimed builds. */
  private static String fairest(Connection c, List<String[]> candidates) throws SQLException {
    Map<String, Integer> claimed = new HashMap<>();
    try (var st =
            c.prepareStatement(
                "SELECT project, COUNT(*) FROM builds WHERE agent IS NOT NULL"
                    + " AND status = 'IN_PROGRESS' GROUP BY project");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        claimed.put(rs.getString(1), rs.getInt(2));
      }
    }
    String best = candidates.getFirst()[0];
    int fewest = Integer.MAX_VALUE;
    for (String[] c2 : candidates) {
      int n = claimed.getOrDefault(c2[1], 0);
      if (n < fewest) {
        fewest = n;
        best = c2[0];
      }
    }
    return best;
  }

  private static Optional<BuildStore.Row> one(Connection c, String id) throws SQLException {
    try (var st = c.prepareStatement("SELECT * FROM builds WHERE id = ?")) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(BuildStore.row(rs)) : Optional.empty();
      }
    }
  }

  /**
   * The build's new record, if {@code agent} still holds it: it claimed the build and has not been
   * declared lost since.
   *
   * @return whether it was written (false: the build is not this agent's any more)
   */
  public boolean update(String id, String agent, String status, ObjectNode record)
      throws SQLException {
    int n =
        db.transact(c -> {
          try (var st =
              c.prepareStatement("UPDATE builds SET status = ?, record = ? WHERE id = ?" + HELD)) {
            st.setString(1, status);
            st.setString(2, record.toString());
            st.setString(3, id);
            st.setString(4, agent);
            st.setString(5, agent);
            return st.executeUpdate();
          }
        });
    builds.changes().changed(id);
    return n == 1;
  }

  /**
   * Ends a build that no agent claimed yet with {@code status} and this record: StopBuild of a
   * waiting build, or its queued timeout.
   *
   * @return whether it was still waiting (false: an agent has it, or it ended)
   */
  public boolean endWaiting(String id, String status, ObjectNode record) throws SQLException {
    int n =
        db.transact(c -> {
          try (var st =
              c.prepareStatement(
                  "UPDATE builds SET status = ?, record = ? WHERE id = ? AND status = 'QUEUED'"
                      + " AND agent IS NULL")) {
            st.setString(1, status);
            st.setString(2, record.toString());
            st.setString(3, id);
            return st.executeUpdate();
          }
        });
    builds.changes().changed(id);
    return n == 1;
  }

  /** StopBuild of a build another agent has: it is told, and stops it. */
  public void requestStop(String id) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE builds SET stop_requested = TRUE WHERE id = ?"
                  + " AND status IN ('QUEUED', 'IN_PROGRESS')")) {
        st.setString(1, id);
        if (st.executeUpdate() == 1) {
          db.notify(c, STOP, id);
        }
      }
      return null;
    });
  }

  /** The builds of {@code agent} someone asked to stop. */
  public List<String> stopRequests(String agent) throws SQLException {
    return ids(
        "SELECT id FROM builds WHERE agent = ? AND stop_requested AND status = 'IN_PROGRESS'",
        agent);
  }

  /** The builds {@code agent} claimed that have not ended. */
  public List<String> held(String agent) throws SQLException {
    return ids("SELECT id FROM builds WHERE agent = ? AND status = 'IN_PROGRESS'", agent);
  }

  /** Builds IN_PROGRESS that no agent holds: a server from before agents held builds ran them. */
  public List<BuildStore.Row> unheld() throws SQLException {
    return BuildStore.rows(
        db, null, "SELECT * FROM builds WHERE status = 'IN_PROGRESS' AND agent IS NULL");
  }

  /** Builds waiting for an agent that were submitted before {@code millis}, oldest first. */
  public List<BuildStore.Row> waitingSince(long millis) throws SQLException {
    return BuildStore.rows(
        db,
        null,
        "SELECT * FROM builds WHERE status = 'QUEUED' AND agent IS NULL AND submitted < ?"
            + " ORDER BY submitted",
        millis);
  }

  /** How many builds wait for an agent. */
  public int waiting() throws SQLException {
    return db.transact(c -> {
      try (var st =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM builds WHERE status = 'QUEUED' AND agent IS NULL");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  private List<String> ids(String sql, String arg) throws SQLException {
    return db.transact(c -> {
      List<String> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql)) {
        st.setString(1, arg);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }
}
