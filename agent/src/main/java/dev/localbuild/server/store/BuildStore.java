package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Builds: their records (BatchGetBuilds' shape), the requests that started them, their logs. */
public final class BuildStore {
  private final Database db;
  private final BuildChanges changes = new BuildChanges();

  public BuildStore(Database db) {
    this.db = db;
  }

  /** Watchers of builds, told of every change this store writes. */
  public BuildChanges changes() {
    return changes;
  }

  /** A stored build. */
  public record Row(
      String id,
      String project,
      long number,
      String status,
      ObjectNode record,
      ObjectNode request) {}

  public void insert(Row row, @Nullable String idempotencyToken) throws SQLException {
    insert(row, idempotencyToken, null, null, null);
  }

  /**
   * A new build: waiting for any agent that takes {@code fleet}'s builds (agents are told), or
   * already {@code agent}'s (an automatic retry, run where its first build ran); a build of the
   * batch {@code batchId}, if given.
   */
  public void insert(
      Row row,
      @Nullable String idempotencyToken,
      @Nullable String fleet,
      @Nullable String agent,
      @Nullable String batchId)
      throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO builds (id, project, number, status, record, request,"
                  + " idempotency_token, submitted, fleet, agent, batch_id)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, row.id());
        st.setString(2, row.project());
        st.setLong(3, row.number());
        st.setString(4, row.status());
        st.setString(5, row.record().toString());
        st.setString(6, row.request().toString());
        st.setString(7, idempotencyToken);
        st.setLong(8, System.currentTimeMillis());
        st.setString(9, fleet);
        st.setString(10, agent);
        st.setString(11, batchId);
        st.executeUpdate();
      }
      if (agent == null && row.status().equals("QUEUED")) {
        db.notify(c, QueueStore.QUEUED, row.id());
      }
      return null;
    });
    changes.changed(row.id());
  }

  /** A build's new record (and status). */
  public void update(String id, String status, ObjectNode record) throws SQLException {
    db.transact(c -> {
      try (var st = c.prepareStatement("UPDATE builds SET status = ?, record = ? WHERE id = ?")) {
        st.setString(1, status);
        st.setString(2, record.toString());
        st.setString(3, id);
        return st.executeUpdate();
      }
    });
    changes.changed(id);
  }

  public Optional<Row> get(String id) throws SQLException {
    List<Row> rows = query("SELECT * FROM builds WHERE id = ?", id);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /** The builds of these ids that exist, by id, in one query (BatchGetBuilds' up to 100). */
  public java.util.Map<String, Row> getAll(List<String> ids) throws SQLException {
    java.util.Map<String, Row> out = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
    for (Row r : query("SELECT * FROM builds WHERE id IN (" + marks + ")", ids.toArray())) {
      out.put(r.id(), r);
    }
    return out;
  }

  /** The builds with this status, oldest first. */
  public List<Row> withStatus(String status) throws SQLException {
    return query("SELECT * FROM builds WHERE status = ? ORDER BY submitted, number", status);
  }

  /** Build ids, newest first (or oldest), of a project or of all. */
  public List<String> ids(@Nullable String project, boolean ascending) throws SQLException {
    String order = ascending ? "ASC" : "DESC";
    String sql =
        project == null
            ? "SELECT id FROM builds ORDER BY submitted " + order + ", number " + order
            : "SELECT id FROM builds WHERE project = ? ORDER BY number " + order;
    return db.transact(c -> {
      List<String> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql)) {
        if (project != null) {
          st.setString(1, project);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  /** The build a StartBuild with this token made since a time, if any. */
  public Optional<Row> byToken(String token, long sinceMillis) throws SQLException {
    List<Row> rows =
        query(
            "SELECT * FROM builds WHERE idempotency_token = ? AND submitted >= ? ORDER BY submitted DESC",
            token,
            sinceMillis);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /**
   * @return whether it was there
   */
  public boolean delete(String id) throws SQLException {
    return db.transact(c -> {
      try (var log = c.prepareStatement("DELETE FROM build_log WHERE build_id = ?")) {
        log.setString(1, id);
        log.executeUpdate();
      }
      try (var st = c.prepareStatement("DELETE FROM builds WHERE id = ?")) {
        st.setString(1, id);
        return st.executeUpdate() == 1;
      }
    });
  }

  /** A log line. */
  public record LogLine(long seq, long atMillis, String text) {}

  public void appendLog(String buildId, long seq, long atMillis, String line) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO build_log (build_id, seq, at_millis, line) VALUES (?, ?, ?, ?)")) {
        st.setString(1, buildId);
        st.setLong(2, seq);
        st.setLong(3, atMillis);
        st.setString(4, line);
        return st.executeUpdate();
      }
    });
    changes.changed(buildId);
  }

  /**
   * Log lines after {@code afterSeq} (ascending), or before {@code beforeSeq} (the newest first,
   * returned ascending), at most {@code limit}.
   */
  public List<LogLine> log(
      String buildId, long afterSeq, long beforeSeq, int limit, boolean fromHead)
      throws SQLException {
    String sql =
        "SELECT seq, at_millis, line FROM build_log WHERE build_id = ? AND seq > ? AND seq < ?"
            + " ORDER BY seq "
            + (fromHead ? "ASC" : "DESC")
            + " LIMIT ?";
    List<LogLine> out =
        db.transact(c -> {
          List<LogLine> lines = new ArrayList<>();
          try (var st = c.prepareStatement(sql)) {
            st.setString(1, buildId);
            st.setLong(2, afterSeq);
            st.setLong(3, beforeSeq);
            st.setInt(4, limit);
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                lines.add(new LogLine(rs.getLong(1), rs.getLong(2), rs.getString(3)));
              }
            }
          }
          return lines;
        });
    if (!fromHead) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  /**
   * A build's log as a stream of its project's group.
   *
   * @param firstAtMillis the first line's time, or null when it has none yet
   */
  public record LogStream(
      String buildId,
      long submittedMillis,
      @Nullable Long firstAtMillis,
      @Nullable Long lastAtMillis) {}

  /** Whether a project has a build (its log group exists). */
  public boolean hasBuilds(String project) throws SQLException {
    return db.transact(c -> {
      try (var st = c.prepareStatement("SELECT 1 FROM builds WHERE project = ? LIMIT 1")) {
        st.setString(1, project);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** The log streams of a project's builds, oldest build first. */
  public List<LogStream> streams(String project) throws SQLException {
    String sql =
        "SELECT b.id, b.submitted, MIN(l.at_millis), MAX(l.at_millis) FROM builds b"
            + " LEFT JOIN build_log l ON l.build_id = b.id WHERE b.project = ?"
            + " GROUP BY b.id, b.submitted, b.number ORDER BY b.number";
    return db.transact(c -> {
      List<LogStream> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql)) {
        st.setString(1, project);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            long first = rs.getLong(3);
            Long firstAt = rs.wasNull() ? null : first;
            long last = rs.getLong(4);
            Long lastAt = rs.wasNull() ? null : last;
            out.add(new LogStream(rs.getString(1), rs.getLong(2), firstAt, lastAt));
          }
        }
      }
      return out;
    });
  }

  /** A line of a project's log, and whose it is. */
  public record ProjectLogLine(String buildId, long seq, long atMillis, String text) {}

  /**
   * Lines of the builds of a project (or of some of them) within a time range, in time order, after
   * a position ({@code afterAt}, {@code afterBuild}, {@code afterSeq}): a page of FilterLogEvents.
   */
  public List<ProjectLogLine> projectLog(
      String project,
      @Nullable List<String> buildIds,
      long fromMillis,
      long toMillis,
      long afterAt,
      String afterBuild,
      long afterSeq,
      int limit)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT l.build_id, l.seq, l.at_millis, l.line FROM build_log l JOIN builds b ON"
                + " b.id = l.build_id WHERE b.project = ? AND l.at_millis >= ? AND l.at_millis <= ?"
                + " AND (l.at_millis > ? OR (l.at_millis = ? AND (l.build_id > ? OR (l.build_id = ?"
                + " AND l.seq > ?))))");
    if (buildIds != null) {
      sql.append(" AND l.build_id IN (")
          .append(String.join(", ", java.util.Collections.nCopies(buildIds.size(), "?")))
          .append(")");
    }
    sql.append(" ORDER BY l.at_millis, l.build_id, l.seq LIMIT ?");
    return db.transact(c -> {
      List<ProjectLogLine> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql.toString())) {
        int i = 1;
        st.setString(i++, project);
        st.setLong(i++, fromMillis);
        st.setLong(i++, toMillis);
        st.setLong(i++, afterAt);
        st.setLong(i++, afterAt);
        st.setString(i++, afterBuild);
        st.setString(i++, afterBuild);
        st.setLong(i++, afterSeq);
        if (buildIds != null) {
          for (String id : buildIds) {
            st.setString(i++, id);
          }
        }
        st.setInt(i, limit);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new ProjectLogLine(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
          }
        }
      }
      return out;
    });
  }

  /**
   * A page of builds, newest first: every project's by submission, or one project's by number.
   *
   * @param next where the next (older) page starts, or null after the last
   */
  public record Page(List<Row> rows, @Nullable String next) {}

  /**
   * A page of builds after a cursor from the previous page (null: the newest). Keyset paging, so a
   * page of an old history costs what the first page does.
   */
  public Page page(@Nullable String project, @Nullable String cursor, int limit)
      throws SQLException {
    List<Row> rows;
    // each row's submission time, read with it: the next page's cursor is the last one's
    List<Long> submittedTimes = new ArrayList<>();
    if (project == null) {
      // every project's builds by submission; the id breaks ties between the same millisecond
      long submitted = Long.MAX_VALUE;
      String id = "";
      if (cursor != null) {
        int dot = cursor.indexOf('.');
        if (dot < 1 || !cursor.substring(0, dot).matches("\\d{1,18}")) {
          throw new IllegalArgumentException("not a page cursor: " + cursor);
        }
        submitted = Long.parseLong(cursor.substring(0, dot));
        id = cursor.substring(dot + 1);
      }
      rows =
          query(
              submittedTimes,
              "SELECT * FROM builds WHERE submitted < ? OR (submitted = ? AND id < ?)"
                  + " ORDER BY submitted DESC, id DESC LIMIT ?",
              submitted,
              submitted,
              id,
              limit + 1);
    } else {
      long number = Long.MAX_VALUE;
      if (cursor != null) {
        if (!cursor.matches("\\d{1,18}")) {
          throw new IllegalArgumentException("not a page cursor: " + cursor);
        }
        number = Long.parseLong(cursor);
      }
      rows =
          query(
              "SELECT * FROM builds WHERE project = ? AND number < ? ORDER BY number DESC LIMIT ?",
              project,
              number,
              limit + 1);
    }
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    Row last = rows.get(limit - 1);
    String next =
        project == null
            ? submittedTimes.get(limit - 1) + "." + last.id()
            : Long.toString(last.number());
    return new Page(rows.subList(0, limit), next);
  }

  /** The build on a {@code SELECT *} row. */
  static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("project"),
        rs.getLong("number"),
        rs.getString("status"),
        StoredJson.object(rs.getString("record"), "build"),
        StoredJson.object(rs.getString("request"), "build request"));
  }

  private List<Row> query(String sql, Object... args) throws SQLException {
    return rows(db, null, sql, args);
  }

  private List<Row> query(@Nullable List<Long> submitted, String sql, Object... args)
      throws SQLException {
    return rows(db, submitted, sql, args);
  }

  /**
   * The builds a {@code SELECT *} of {@code builds} finds (the queue's and batches' queries too);
   * with {@code submitted}, each one's submission time, in the same order.
   */
  static List<Row> rows(Database db, @Nullable List<Long> submitted, String sql, Object... args)
      throws SQLException {
    return db.transact(c -> {
      List<Row> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          st.setObject(i + 1, args[i]);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
            if (submitted != null) {
              submitted.add(rs.getLong("submitted"));
            }
          }
        }
      }
      return out;
    });
  }
}
