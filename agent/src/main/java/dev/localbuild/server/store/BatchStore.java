package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Batch builds: their records (BatchGetBuildBatches' shape), the requests that started them, and
 * which agent drives each. A batch's builds are rows of {@code builds} with its id in {@code
 * batch_id}.
 */
public final class BatchStore {
  private final Database db;

  public BatchStore(Database db) {
    this.db = db;
  }

  /**
   * A batch, in {@link BuildStore.Row}'s shape, driven by {@code agent}, started with {@code token}
   * (StartBuildBatch's idempotencyToken) or none.
   */
  public void insert(BuildStore.Row row, String agent, @Nullable String token) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO build_batches (id, project, number, status, record, request, submitted,"
                  + " agent, idempotency_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, row.id());
        st.setString(2, row.project());
        st.setLong(3, row.number());
        st.setString(4, row.status());
        st.setString(5, row.record().toString());
        st.setString(6, row.request().toString());
        st.setLong(7, System.currentTimeMillis());
        st.setString(8, agent);
        st.setString(9, token);
        return st.executeUpdate();
      }
    });
  }

  /**
   * The batch's new record, written only while it is IN_PROGRESS and {@code agent} drives it (a
   * StopBuildBatch, or another agent that took it over, wins).
   *
   * @return whether it was written
   */
  public boolean update(String id, String agent, String status, ObjectNode record)
      throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE build_batches SET status = ?, record = ? WHERE id = ? AND agent = ?"
                  + " AND status = 'IN_PROGRESS'")) {
        st.setString(1, status);
        st.setString(2, record.toString());
        st.setString(3, id);
        st.setString(4, agent);
        return st.executeUpdate();
      }
    })
        == 1;
  }

  /**
   * Ends or restarts a batch whatever drives it (StopBuildBatch, RetryBuildBatch): its status,
   * record and request, and (with {@code agent}) who drives it now.
   *
   * @return whether it had {@code fromStatus}
   */
  public boolean replace(
      String id,
      String fromStatus,
      String status,
      ObjectNode record,
      ObjectNode request,
      @Nullable String agent)
      throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE build_batches SET status = ?, record = ?, request = ?, agent ="
                  + " COALESCE(?, agent) WHERE id = ? AND status = ?")) {
        st.setString(1, status);
        st.setString(2, record.toString());
        st.setString(3, request.toString());
        st.setString(4, agent);
        st.setString(5, id);
        st.setString(6, fromStatus);
        return st.executeUpdate();
      }
    })
        == 1;
  }

  /**
   * Takes over the IN_PROGRESS batches whose agent is not ACTIVE any more (it died, or was cut
   * off): {@code agent} drives them from now on.
   *
   * @return their ids
   */
  public List<String> adoptOrphans(String agent) throws SQLException {
    return db.transact(c -> {
      List<String> ids = new ArrayList<>();
      try (var st =
          c.prepareStatement(
              "SELECT id FROM build_batches WHERE status = 'IN_PROGRESS' AND (agent IS NULL OR"
                  + " agent NOT IN (SELECT a.id FROM agents a WHERE a.status = 'ACTIVE'))"
                  + " FOR UPDATE SKIP LOCKED")) {
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      for (String id : ids) {
        try (var st = c.prepareStatement("UPDATE build_batches SET agent = ? WHERE id = ?")) {
          st.setString(1, agent);
          st.setString(2, id);
          st.executeUpdate();
        }
      }
      return ids;
    });
  }

  /** The batch this idempotency token started since {@code sinceMillis}, if any. */
  public Optional<BuildStore.Row> byToken(String token, long sinceMillis) throws SQLException {
    List<BuildStore.Row> rows =
        rows(
            "SELECT * FROM build_batches WHERE idempotency_token = ? AND submitted >= ?",
            token,
            sinceMillis);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  public Optional<BuildStore.Row> get(String id) throws SQLException {
    List<BuildStore.Row> rows = rows("SELECT * FROM build_batches WHERE id = ?", id);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /** Batch ids, newest first unless {@code ascending}; of one project and status when given. */
  public List<String> ids(@Nullable String project, @Nullable String status, boolean ascending)
      throws SQLException {
    String order = ascending ? "ASC" : "DESC";
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT * FROM build_batches WHERE 1 = 1");
    if (project != null) {
      sql.append(" AND project = ?");
      args.add(project);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    sql.append(" ORDER BY submitted ").append(order).append(", number ").append(order);
    return rows(sql.toString(), args.toArray()).stream().map(BuildStore.Row::id).toList();
  }

  /** The builds of a batch, oldest first. */
  public List<BuildStore.Row> builds(String batchId) throws SQLException {
    return BuildStore.rows(
        db, null, "SELECT * FROM builds WHERE batch_id = ? ORDER BY submitted, number", batchId);
  }

  /** Deletes a batch that has ended (its builds stay, as CodeBuild's do). */
  public boolean delete(String id) throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "DELETE FROM build_batches WHERE id = ? AND status <> 'IN_PROGRESS'")) {
        st.setString(1, id);
        return st.executeUpdate() == 1;
      }
    });
  }

  private List<BuildStore.Row> rows(String sql, Object... args) throws SQLException {
    return BuildStore.rows(db, null, sql, args);
  }
}
