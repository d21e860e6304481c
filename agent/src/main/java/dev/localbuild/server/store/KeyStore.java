package dev.localbuild.server.store;

import dev.localbuild.localaws.auth.AccessKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The access keys the server issues ({@code localbuild serve keys}). Secrets are stored encrypted
 * (AES-GCM) under a master key kept in the data directory, readable by its owner only: a copy of
 * the database alone gives nobody a key.
 */
public final class KeyStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private final Database db;
  private final SecretKeySpec master;
  private final String account;

  public KeyStore(Database db, Path dataDir, String account) throws IOException, SQLException {
    this.db = db;
    this.master = new SecretKeySpec(masterKey(dataDir), "AES");
    this.account = account;
    sameMasterKey(dataDir);
  }

  /**
   * Agents sharing a database must share the master key too, or a key made through one is refused
   * by the others: the first one to open the database seals a known value in it, and every later
   * one must be able to open it.
   */
  private void sameMasterKey(Path dataDir) throws SQLException {
    String check = "localbuild master key";
    String stored;
    try {
      stored = storedCheck(check);
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) {
        throw e;
      }
      stored = storedCheck(check); // another agent sealed it first: that one is the check
    }
    try {
      if (open(stored).equals(check)) {
        return;
      }
    } catch (IllegalStateException e) {
      // said below
    }
    throw new SQLException(
        dataDir.resolve("master.key")
            + " is not the master key this database's access keys were sealed with: every agent"
            + " sharing a database needs the same master.key (copy the first agent's into this"
            + " data directory)");
  }

  /** The sealed check value, sealed now with this master key if the database has none. */
  private String storedCheck(String check) throws SQLException {
    return db.transact(c -> {
      try (var get =
          c.prepareStatement("SELECT setting_value FROM settings WHERE setting = 'master_key'")) {
        try (ResultSet rs = get.executeQuery()) {
          if (rs.next()) {
            return rs.getString(1);
          }
        }
      }
      String sealed = seal(check);
      try (var put =
          c.prepareStatement(
              "INSERT INTO settings (setting, setting_value) VALUES ('master_key', ?)")) {
        put.setString(1, sealed);
        put.executeUpdate();
      }
      return sealed;
    });
  }

  /** A key as listed: never its secret. */
  public record Listed(String accessKeyId, Instant created, @Nullable Instant revoked) {}

  /** A new key: the only time its secret is seen. */
  public record Issued(String accessKeyId, String secretAccessKey) {}

  public Issued create() throws SQLException {
    String id = "AKIA" + random(ID_ALPHABET, 16);
    String secret = random(SECRET_ALPHABET, 40);
    String sealed = seal(secret);
    db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "INSERT INTO access_keys (access_key_id, secret, created) VALUES (?, ?, ?)")) {
        st.setString(1, id);
        st.setString(2, sealed);
        st.setLong(3, System.currentTimeMillis());
        return st.executeUpdate();
      }
    });
    return new Issued(id, secret);
  }

  public List<Listed> list() throws SQLException {
    return db.transact(c -> {
      List<Listed> out = new ArrayList<>();
      try (var st =
              c.prepareStatement(
                  "SELECT access_key_id, created, revoked FROM access_keys ORDER BY created");
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long revoked = rs.getLong(3);
          out.add(
              new Listed(
                  rs.getString(1),
                  Instant.ofEpochMilli(rs.getLong(2)),
                  rs.wasNull() ? null : Instant.ofEpochMilli(revoked)));
        }
      }
      return out;
    });
  }

  /**
   * Revokes a key: requests signed with it are refused from now on.
   *
   * @return whether there was such a key, not yet revoked
   */
  public boolean revoke(String accessKeyId) throws SQLException {
    return db.transact(c -> {
      try (var st =
          c.prepareStatement(
              "UPDATE access_keys SET revoked = ? WHERE access_key_id = ? AND revoked IS NULL")) {
        st.setLong(1, System.currentTimeMillis());
        st.setString(2, accessKeyId);
        return st.executeUpdate() == 1;
      }
    });
  }

  /** A key that may sign requests: issued here and not revoked. */
  public Optional<AccessKey> find(String accessKeyId) {
    try {
      String sealed =
          db.transact(c -> {
            try (var st =
                c.prepareStatement(
                    "SELECT secret FROM access_keys WHERE access_key_id = ? AND revoked IS NULL")) {
              st.setString(1, accessKeyId);
              try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
              }
            }
          });
      if (sealed == null) {
        return Optional.empty();
      }
      return Optional.of(
          new AccessKey(
              accessKeyId,
              open(sealed),
              null,
              "arn:aws:iam::" + account + ":user/" + accessKeyId,
              null,
              null));
    } catch (SQLException e) {
      return Optional.empty(); // the request is refused; the store's failure is in the server log
    }
  }

  String seal(String secret) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(128, iv));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  String open(String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(128, all, 0, 12));
      return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "an access key cannot be decrypted: the data directory's master.key is not the one it"
              + " was stored with",
          e);
    }
  }

  private static byte[] masterKey(Path dataDir) throws IOException {
    Path file = dataDir.resolve("master.key");
    if (Files.exists(file)) {
      return Base64.getDecoder().decode(Files.readString(file).trim());
    }
    Files.createDirectories(dataDir);
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    Path tmp = Files.createTempFile(dataDir, "master", ".tmp");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n");
    try {
      Files.move(tmp, file); // fails if another process made it first
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      Files.delete(tmp);
      return Base64.getDecoder().decode(Files.readString(file).trim());
    }
    return key;
  }

  private static String random(String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
