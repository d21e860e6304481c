package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Projects, as CreateProject took them (with their ARN and times); and fleets, as CreateFleet took
 * them, which are kept the same way in a table of their own.
 */
public final class ProjectStore {
  private final Database db;
  private final String table;
  private final String what;

  public ProjectStore(Database db) {
    this(db, "projects", "project");
  }

  private ProjectStore(Database db, String table, String what) {
    this.db = db;
    this.table = table;
    this.what = what;
  }

  /** The fleets (CreateFleet), by name. */
  public static ProjectStore fleets(Database db) {
    return new ProjectStore(db, "fleets", "fleet");
  }

  /**
   * @return false when a project of that name exists
   */
  public boolean create(String name, ObjectNode body) throws SQLException {
    return db.transact(c -> {
      try (var check = c.prepareStatement("SELECT 1 FROM " + table + " WHERE name = ?")) {
        check.setString(1, name);
        try (ResultSet rs = check.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (var st =
          c.prepareStatement("INSERT INTO " + table + " (name, body, created) VALUES (?, ?, ?)")) {
        st.setString(1, name);
        st.setString(2, body.toString());
        st.setLong(3, System.currentTimeMillis());
        st.executeUpdate();
        return true;
      }
    });
  }

  /**
   * @return false when there is no such project
   */
  public boolean update(String name, ObjectNode body) throws SQLException {
    return db.transact(c -> {
      try (var st = c.prepareStatement("UPDATE " + table + " SET body = ? WHERE name = ?")) {
        st.setString(1, body.toString());
        st.setString(2, name);
        return st.executeUpdate() == 1;
      }
    });
  }

  public boolean delete(String name) throws SQLException {
    return db.transact(c -> {
      try (var st = c.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
        st.setString(1, name);
        return st.executeUpdate() == 1;
      }
    });
  }

  public Optional<ObjectNode> get(String name) throws SQLException {
    String body =
        db.transact(c -> {
          try (var st = c.prepareStatement("SELECT body FROM " + table + " WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
    return Optional.ofNullable(body).map(b -> StoredJson.object(b, what));
  }

  /** Names, by name or by creation time. */
  public List<String> names(boolean byCreation, boolean descending) throws SQLException {
    String order = (byCreation ? "created" : "name") + (descending ? " DESC" : " ASC");
    return db.transact(c -> {
      List<String> out = new ArrayList<>();
      try (var st = c.prepareStatement("SELECT name FROM " + table + " ORDER BY " + order);
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }
}
