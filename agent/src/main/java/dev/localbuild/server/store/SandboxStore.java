package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sandboxes and their commands. A sandbox's status is its session's (a row of {@code builds}); its
 * commands wait here until the agent running the session takes them, one at a time, in the order
 * they came.
 */
public final class SandboxStore {
  private final Database db;

  public SandboxStore(Database db) {
    this.db = db;
  }

  /** A sandbox as requested, and the build that is its session. */
  public record Sandbox(String id, String project, String sessionId, ObjectNode record) {}

  /** A command of a sandbox: {@code record} is the CommandExecution. */
  public record Command(String id, String sandboxId, String status, ObjectNode record) {}

  public void insert(Sandbox s, @Nullable String token) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO sandboxes (id, project, session_id, record, idempotency_token,"
                  + " requested) VALUES (?, ?, ?, ?, ?, ?)")) {
        st.setString(1, s.id());
        st.setString(2, s.project());
        st.setString(3, s.sessionId());
        st.setString(4, s.record().toString());
        st.setString(5, token);
        st.setLong(6, System.currentTimeMillis());
        return st.executeUpdate();
      }
    });
  }

  public Optional<Sandbox> get(String id) throws SQLException {
    List<Sandbox> found = sandboxes("SELECT * FROM sandboxes WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  /** The sandbox this idempotency token started since {@code sinceMillis}, if any. */
  public Optional<Sandbox> byToken(String token, long sinceMillis) throws SQLException {
    List<Sandbox> found =
        sandboxes(
            "SELECT * FROM sandboxes WHERE idempotency_token = ? AND requested >= ?",
            token,
            sinceMillis);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  /** Sandbox ids, newest first unless {@code ascending}; of one project when given. */
  public List<String> ids(@Nullable String project, boolean ascending) throws SQLException {
    String order = ascending ? "ASC" : "DESC";
    List<Sandbox> found =
        project == null
            ? sandboxes("SELECT * FROM sandboxes ORDER BY requested " + order + ", id " + order)
            : sandboxes(
                "SELECT * FROM sandboxes WHERE project = ? ORDER BY requested "
                    + order
                    + ", id "
                    + order,
                project);
    return found.stream().map(Sandbox::id).toList();
  }

  /** A new command, SUBMITTED. */
  public void addCommand(Command command) throws SQLException {
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO sandbox_commands (id, sandbox_id, status, record) VALUES (?, ?, ?, ?)")) {
        st.setString(1, command.id());
        st.setString(2, command.sandboxId());
        st.setString(3, command.status());
        st.setString(4, command.record().toString());
        return st.executeUpdate();
      }
    });
  }

  /** The sandbox's commands in the order they came, or the reverse; only {@code ids} if given. */
  public List<Command> commands(String sandboxId, boolean ascending, @Nullable List<String> ids)
      throws SQLException {
    String order = ascending ? "ASC" : "DESC";
    List<Command> all =
        commandRows(
            "SELECT * FROM sandbox_commands WHERE sandbox_id = ? ORDER BY seq " + order, sandboxId);
    return ids == null ? all : all.stream().filter(c -> ids.contains(c.id())).toList();
  }

  /** The oldest SUBMITTED command of a sandbox, now IN_PROGRESS with this record. */
  public Optional<Command> takeNext(
      String sandboxId, java.util.function.UnaryOperator<ObjectNode> started) throws SQLException {
    return db.transact(c -> {
      List<Command> next;
      try (var st =
          c.prepareStatement(
              "SELECT * FROM sandbox_commands WHERE sandbox_id = ? AND status = 'SUBMITTED'"
                  + " ORDER BY seq")) {
        st.setMaxRows(1);
        st.setString(1, sandboxId);
        next = read(st.executeQuery());
      }
      if (next.isEmpty()) {
        return Optional.<Command>empty();
      }
      Command n = next.getFirst();
      ObjectNode record = started.apply(n.record());
      if (!write(c, n.id(), "SUBMITTED", "IN_PROGRESS", record)) {
        return Optional.<Command>empty();
      }
      return Optional.of(new Command(n.id(), sandboxId, "IN_PROGRESS", record));
    });
  }

  /**
   * A command's new status and record, if it has {@code fromStatus} still.
   *
   * @return whether it was written
   */
  public boolean update(String id, String fromStatus, String status, ObjectNode record)
      throws SQLException {
    return db.transact(c -> write(c, id, fromStatus, status, record));
  }

  private static boolean write(
      java.sql.Connection c, String id, String fromStatus, String status, ObjectNode record)
      throws SQLException {
    try (var st =
        c.prepareStatement(
            "UPDATE sandbox_commands SET status = ?, record = ? WHERE id = ? AND status = ?")) {
      st.setString(1, status);
      st.setString(2, record.toString());
      st.setString(3, id);
      st.setString(4, fromStatus);
      return st.executeUpdate() == 1;
    }
  }

  private List<Sandbox> sandboxes(String sql, Object... args) throws SQLException {
    return db.transact(c -> {
      List<Sandbox> out = new ArrayList<>();
      try (var st = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          st.setObject(i + 1, args[i]);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new Sandbox(
                    rs.getString("id"),
                    rs.getString("project"),
                    rs.getString("session_id"),
                    StoredJson.object(rs.getString("record"), "sandbox")));
          }
        }
      }
      return out;
    });
  }

  private List<Command> commandRows(String sql, Object... args) throws SQLException {
    return db.transact(c -> {
      try (var st = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          st.setObject(i + 1, args[i]);
        }
        return read(st.executeQuery());
      }
    });
  }

  private static List<Command> read(ResultSet rs) throws SQLException {
    try (rs) {
      List<Command> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new Command(
                rs.getString("id"),
                rs.getString("sandbox_id"),
                rs.getString("status"),
                StoredJson.object(rs.getString("record"), "command execution")));
      }
      return out;
    }
  }
}
