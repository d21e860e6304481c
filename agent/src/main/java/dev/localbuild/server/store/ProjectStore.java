package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Projects, as CreateProject took them (with their ARN and times). */
public final class ProjectStore {
  private final Database db;

  public ProjectStore(Database db) {
    this.db = db;
  }

  /**
   * @return false when a project of that name exists
   */
  public boolean create(String name, ObjectNode body) throws SQLException {
    return db.transact(c -> {
      try (var check = c.prepareStatement("SELECT 1 FROM projects WHERE name = ?")) {
        check.setString(1, name);
        try (ResultSet rs = check.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (var st =
          c.prepareStatement("INSERT INTO projects (name, body, created) VALUES (?, ?, ?)")) {
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
      try (var st = c.prepareStatement("UPDATE projects SET body = ? WHERE name = ?")) {
        st.setString(1, body.toString());
        st.setString(2, name);
        return st.executeUpdate() == 1;
      }
    });
  }

  public boolean delete(String name) throws SQLException {
    return db.transact(c -> {
      try (var st = c.prepareStatement("DELETE FROM projects WHERE name = ?")) {
        st.setString(1, name);
        return st.executeUpdate() == 1;
      }
    });
  }

  public Optional<ObjectNode> get(String name) throws SQLException {
    String body =
        db.transact(c -> {
          try (var st = c.prepareStatement("SELECT body FROM projects WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
    return Optional.ofNullable(body).map(b -> StoredJson.object(b, "project"));
  }

  /** Project names, by name or by creation time. */
  public List<String> names(boolean byCreation, boolean descending) throws SQLException {
    String order = (byCreation ? "created" : "name") + (descending ? " DESC" : " ASC");
    return db.transact(c -> {
      List<String> out = new ArrayList<>();
      try (var st = c.prepareStatement("SELECT name FROM projects ORDER BY " + order);
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }
}
