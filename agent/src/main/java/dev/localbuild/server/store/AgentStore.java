package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The agents sharing the database, each under a lease it renews. An agent whose lease ran out is
 * declared lost by whichever agent sees it first, in one transaction that also ends its builds as
 * FAULT: the agent row's lock and its ACTIVE-to-LOST change make that happen exactly once.
 */
public final class AgentStore {
  private final Database db;
  private final BuildStore builds;

  public AgentStore(Database db, BuildStore builds) {
    this.db = db;
    this.builds = builds;
  }

  /**
   * An agent as stored.
   *
   * @param id this run of the agent ({@code name/suffix})
   * @param name the agent's name
   * @param fleet the fleet it takes builds of; null: builds of no fleet
   * @param unassigned with a fleet, builds of no fleet too
   * @param capacity builds it runs at once
   * @param running builds it ran at its last renewal
   * @param address where its API listens
   * @param started epoch millis
   * @param leaseUntil epoch millis
   * @param status ACTIVE, LOST or LEFT
   */
  public record Agent(
      String id,
      String name,
      @Nullable String fleet,
      boolean unassigned,
      int capacity,
      int running,
      String address,
      long started,
      long leaseUntil,
      String status) {}

  /** An agent declared lost, with the builds that ended FAULT for it. */
  public record Lost(String id, String name, List<String> faulted) {}

  public void register(Agent a) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO agents (id, name, fleet, take_unassigned, capacity, running, address,"
                  + " started, lease_until, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, a.id());
        st.setString(2, a.name());
        st.setString(3, a.fleet());
        st.setBoolean(4, a.unassigned());
        st.setInt(5, a.capacity());
        st.setInt(6, a.running());
        st.setString(7, a.address());
        st.setLong(8, a.started());
        st.setLong(9, a.leaseUntil());
        st.setString(10, a.status());
        return st.executeUpdate();
      }
    });
  }

  /**
   * Extends an agent's lease.
   *
   * @return false when it is no longer ACTIVE: another agent declared it lost
   */
  public boolean renew(String id, long leaseUntil, int running) throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE agents SET lease_until = ?, running = ? WHERE id = ? AND status ="
                  + " 'ACTIVE'")) {
        st.setLong(1, leaseUntil);
        st.setInt(2, running);
        st.setString(3, id);
        return st.executeUpdate();
      }
    })
        == 1;
  }

  /** An agent that shut down: it holds nothing and is listed as LEFT. */
  public void leave(String id) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE agents SET status = 'LEFT', running = 0 WHERE id = ? AND status = 'ACTIVE'")) {
        st.setString(1, id);
        return st.executeUpdate();
      }
    });
  }

  /**
   * Declares lost every ACTIVE agent whose lease ended before {@code now}, or (with {@code name})
   * every ACTIVE run of that agent: the agent starting again knows its last run is dead. Their
   * builds (a claimed build is IN_PROGRESS) end with the record {@code fault} makes of theirs.
   */
  public List<Lost> declareLost(
      long now, @Nullable String name, BiConsumer<ObjectNode, String> fault) throws SQLException {
    List<Lost> lost =
        db.transact(c -> {
          List<String[]> agents = new ArrayList<>();
          try (var st =
              c.prepareStatement(
                  name == null
                      ? "SELECT id, name FROM agents WHERE status = 'ACTIVE' AND lease_until < ?"
                          + " FOR UPDATE SKIP LOCKED"
                      : "SELECT id, name FROM agents WHERE status = 'ACTIVE' AND name = ?"
                          + " FOR UPDATE SKIP LOCKED")) {
            if (name == null) {
              st.setLong(1, now);
            } else {
              st.setString(1, name);
            }
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                agents.add(new String[] {rs.getString(1), rs.getString(2)});
              }
            }
          }
          List<Lost> out = new ArrayList<>();
          for (String[] a : agents) {
            try (var st =
                c.prepareStatement(
                    "UPDATE agents SET status = 'LOST', running = 0 WHERE id = ? AND status ="
                        + " 'ACTIVE'")) {
              st.setString(1, a[0]);
              if (st.executeUpdate() != 1) {
                continue;
              }
            }
            List<String> faulted = new ArrayList<>();
            List<BuildStore.Row> rows = new ArrayList<>();
            try (var st =
                c.prepareStatement(
                    "SELECT * FROM builds WHERE agent = ? AND status = 'IN_PROGRESS' FOR UPDATE")) {
              st.setString(1, a[0]);
              try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                  rows.add(BuildStore.row(rs));
                }
              }
            }
            for (BuildStore.Row r : rows) {
              ObjectNode record = r.record();
              fault.accept(record, a[1]);
              try (var st =
                  c.prepareStatement(
                      "UPDATE builds SET status = 'FAULT', record = ? WHERE id = ?")) {
                st.setString(1, record.toString());
                st.setString(2, r.id());
                st.executeUpdate();
              }
              faulted.add(r.id());
            }
            out.add(new Lost(a[0], a[1], faulted));
          }
          return out;
        });
    lost.forEach(l -> l.faulted().forEach(id -> builds.changes().changed(id)));
    return lost;
  }

  /** Every agent that is ACTIVE, or whose lease ended within {@code sinceMillis}, by name. */
  public List<Agent> list(long sinceMillis) throws SQLException {
    return db.transact(c -> {
      List<Agent> out = new ArrayList<>();
      try (var st =
          c.prepareStatement(
              "SELECT * FROM agents WHERE status = 'ACTIVE' OR lease_until >= ? ORDER BY name,"
                  + " started")) {
        st.setLong(1, sinceMillis);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new Agent(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("fleet"),
                    rs.getBoolean("take_unassigned"),
                    rs.getInt("capacity"),
                    rs.getInt("running"),
                    rs.getString("address"),
                    rs.getLong("started"),
                    rs.getLong("lease_until"),
                    rs.getString("status")));
          }
        }
      }
      return out;
    });
  }
}
