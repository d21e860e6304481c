package dev.localbuild.server.store;

import dev.localbuild.agent.record.BuildNumbering;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Build numbers in the database, one counter per project name, so that servers sharing a database
 * never give two builds of a project the same number. A deleted project's counter stays: a project
 * made again with that name goes on counting, so ListBuildsForProject never shows two builds with
 * one number.
 */
public final class BuildNumberStore implements BuildNumbering {
  private static final String UNIQUE_VIOLATION = "23505";
  private final Database db;

  public BuildNumberStore(Database db) {
    this.db = db;
  }

  @Override
  public long next(String project) {
    for (int attempt = 1; ; attempt++) {
      try {
        return db.transact(c -> {
          // the UPDATE locks the counter's row until commit: concurrent callers queue on it
          try (var up =
              c.prepareStatement(
                  "UPDATE build_numbers SET last_number = last_number + 1 WHERE project = ?")) {
            up.setString(1, project);
            if (up.executeUpdate() == 0) {
              try (var in =
                  c.prepareStatement(
                      "INSERT INTO build_numbers (project, last_number) VALUES (?, 1)")) {
                in.setString(1, project);
                in.executeUpdate();
              }
              return 1L;
            }
          }
          try (var get =
              c.prepareStatement("SELECT last_number FROM build_numbers WHERE project = ?")) {
            get.setString(1, project);
            try (ResultSet rs = get.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
      } catch (SQLException e) {
        // two first builds of a project raced to create its counter: the loser counts on it
        if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt == 3) {
          throw new IllegalStateException(
              "cannot take the next build number of " + project + ": " + e.getMessage(), e);
        }
      }
    }
  }
}
