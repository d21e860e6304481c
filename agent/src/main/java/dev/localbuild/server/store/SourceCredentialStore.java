package dev.localbuild.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * ImportSourceCredentials' tokens, one per Git server type as CodeBuild keeps one per account and
 * region, sealed at rest like the access keys' secrets.
 */
public final class SourceCredentialStore {
  /** A credential; {@code token} in the clear only in memory. */
  public record Credential(
      String serverType, String authType, @Nullable String username, String token) {}

  private final Database db;
  private final KeyStore sealer;

  public SourceCredentialStore(Database db, KeyStore sealer) {
    this.db = db;
    this.sealer = sealer;
  }

  /**
   * @return false when the type has a credential and {@code overwrite} is not set
   */
  public boolean put(Credential c, boolean overwrite) throws SQLException {
    String sealed = sealer.seal(c.token());
    return db.transact(conn -> {
      boolean exists;
      try (var st =
          conn.prepareStatement("SELECT 1 FROM source_credentials WHERE server_type = ?")) {
        st.setString(1, c.serverType());
        try (ResultSet rs = st.executeQuery()) {
          exists = rs.next();
        }
      }
      if (exists && !overwrite) {
        return false;
      }
      try (var st =
          conn.prepareStatement(
              exists
                  ? "UPDATE source_credentials SET auth_type = ?, username = ?, token = ?"
                      + " WHERE server_type = ?"
                  : "INSERT INTO source_credentials (auth_type, username, token, server_type)"
                      + " VALUES (?, ?, ?, ?)")) {
        st.setString(1, c.authType());
        st.setString(2, c.username());
        st.setString(3, sealed);
        st.setString(4, c.serverType());
        st.executeUpdate();
      }
      return true;
    });
  }

  public Optional<Credential> get(String serverType) throws SQLException {
    return list().stream().filter(c -> c.serverType().equals(serverType)).findFirst();
  }

  public List<Credential> list() throws SQLException {
    return db.transact(conn -> {
      List<Credential> out = new ArrayList<>();
      try (var st =
              conn.prepareStatement(
                  "SELECT server_type, auth_type, username, token FROM source_credentials"
                      + " ORDER BY server_type");
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Credential(
                  rs.getString(1), rs.getString(2), rs.getString(3), sealer.open(rs.getString(4))));
        }
      }
      return out;
    });
  }

  public boolean delete(String serverType) throws SQLException {
    return db.transact(conn -> {
      try (var st = conn.prepareStatement("DELETE FROM source_credentials WHERE server_type = ?")) {
        st.setString(1, serverType);
        return st.executeUpdate() == 1;
      }
    });
  }
}
