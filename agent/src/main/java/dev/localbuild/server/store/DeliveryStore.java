package dev.localbuild.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Webhook deliveries, one row per host delivery id and project. */
public final class DeliveryStore {
  private final Database db;

  public DeliveryStore(Database db) {
    this.db = db;
  }

  /** A delivery and what became of it. */
  public record Delivery(
      String project,
      String deliveryId,
      String provider,
      @Nullable String event,
      long received,
      String result,
      @Nullable String reason,
      @Nullable String buildId) {}

  /**
   * Records a delivery as received, once per id: the database's key decides, so two agents that
   * receive the same redelivery start one build between them.
   *
   * @return false when this id was delivered before
   */
  public boolean claim(String project, String deliveryId, String provider, @Nullable String event)
      throws SQLException {
    try {
      return db.transact(c -> {
        try (var st =
            c.prepareStatement(
                "INSERT INTO webhook_deliveries (project, delivery_id, provider, event, received,"
                    + " result) VALUES (?, ?, ?, ?, ?, 'RECEIVED')")) {
          st.setString(1, project);
          st.setString(2, deliveryId);
          st.setString(3, provider);
          st.setString(4, event);
          st.setLong(5, System.currentTimeMillis());
          st.executeUpdate();
          return true;
        }
      });
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        return false; // the key exists: a redelivery
      }
      throw e;
    }
  }

  /** What became of a claimed delivery: ACCEPTED (with its build), FILTERED or REFUSED. */
  public void finish(
      String project,
      String deliveryId,
      String result,
      @Nullable String reason,
      @Nullable String buildId)
      throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE webhook_deliveries SET result = ?, reason = ?, build_id = ?"
                  + " WHERE project = ? AND delivery_id = ?")) {
        st.setString(1, result);
        st.setString(
            2, reason == null ? null : reason.substring(0, Math.min(2000, reason.length())));
        st.setString(3, buildId);
        st.setString(4, project);
        st.setString(5, deliveryId);
        return st.executeUpdate();
      }
    });
  }

  /** A project's deliveries, newest first. */
  public List<Delivery> list(String project, int limit) throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "SELECT project, delivery_id, provider, event, received, result, reason, build_id"
                  + " FROM webhook_deliveries WHERE project = ? ORDER BY received DESC")) {
        st.setString(1, project);
        st.setMaxRows(limit);
        List<Delivery> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new Delivery(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8)));
          }
        }
        return out;
      }
    });
  }
}
