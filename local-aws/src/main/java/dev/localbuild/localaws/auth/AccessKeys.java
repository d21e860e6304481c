package dev.localbuild.localaws.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The keys of one local AWS, kept in its state directory readable by its owner only (mode 0600):
 * {@code root-key.json}, made on first start, which this machine's user and localbuild's agent sign
 * with; and {@code sessions.json}, the sessions it issued to builds, so that a restart of the local
 * AWS does not cut off running builds. Expired sessions are forgotten.
 */
public final class AccessKeys {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] KEY_ID = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private final Path sessionsFile;
  private final String account;
  private final AccessKey root;
  private final Map<String, AccessKey> sessions = new LinkedHashMap<>();

  private AccessKeys(Path stateDir, String account, AccessKey root) throws IOException {
    this.sessionsFile = stateDir.resolve("sessions.json");
    this.account = account;
    this.root = root;
    if (Files.exists(sessionsFile)) {
      for (JsonNode n : JSON.readTree(sessionsFile.toFile()).path("sessions")) {
        AccessKey k =
            new AccessKey(
                n.path("accessKeyId").asText(),
                n.path("secretAccessKey").asText(),
                n.path("sessionToken").asText(),
                n.path("principalArn").asText(),
                n.path("roleName").asText(null),
                Instant.parse(n.path("expires").asText()));
        sessions.put(k.accessKeyId(), k);
      }
    }
  }

  /** The keys of the local AWS whose state is in {@code stateDir}, made on first use. */
  public static AccessKeys open(Path stateDir, String account) throws IOException {
    return new AccessKeys(stateDir, account, rootKey(stateDir, account));
  }

  /** The root key of a state directory, made (mode 0600) if it has none yet. */
  public static synchronized AccessKey rootKey(Path stateDir, String account) throws IOException {
    Path file = rootKeyFile(stateDir);
    if (!Files.exists(file)) {
      Files.createDirectories(stateDir);
      ObjectNode n =
          JSON.createObjectNode()
              .put("accessKeyId", "LKIA" + keyId(16))
              .put("secretAccessKey", secret(40));
      writePrivate(file, n.toPrettyString());
    }
    JsonNode n = JSON.readTree(file.toFile());
    return new AccessKey(
        n.path("accessKeyId").asText(),
        n.path("secretAccessKey").asText(),
        null,
        "arn:aws:iam::" + account + ":root",
        null,
        null);
  }

  public static Path rootKeyFile(Path stateDir) {
    return stateDir.resolve("root-key.json");
  }

  public AccessKey root() {
    return root;
  }

  /** The key with this id, if the local AWS knows it (expired sessions included). */
  public synchronized Optional<AccessKey> find(String accessKeyId) {
    if (root.accessKeyId().equals(accessKeyId)) {
      return Optional.of(root);
    }
    return Optional.ofNullable(sessions.get(accessKeyId));
  }

  /**
   * Issues a session.
   *
   * @param roleName the role it acts as (its policy decides what it may do), or null to act as the
   *     root
   * @param sessionName names it in its ARN
   */
  public synchronized AccessKey issue(
      @Nullable String roleName, String sessionName, Duration duration) throws IOException {
    Instant now = Instant.now();
    sessions.values().removeIf(s -> s.expiredAt(now));
    String principal =
        roleName == null
            ? root.principalArn()
            : "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName;
    AccessKey k =
        new AccessKey(
            "ASIA" + keyId(16),
            secret(40),
            secret(64),
            principal,
            roleName,
            now.plus(duration).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    sessions.put(k.accessKeyId(), k);
    save();
    return k;
  }

  private void save() throws IOException {
    ArrayNode list = JSON.createArrayNode();
    for (AccessKey k : sessions.values()) {
      list.addObject()
          .put("accessKeyId", k.accessKeyId())
          .put("secretAccessKey", k.secretAccessKey())
          .put("sessionToken", k.sessionToken())
          .put("principalArn", k.principalArn())
          .put("roleName", k.roleName())
          .put("expires", String.valueOf(k.expires()));
    }
    writePrivate(sessionsFile, JSON.createObjectNode().set("sessions", list).toString());
  }

  /** Writes a file only its owner can read, replacing it whole. */
  static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String keyId(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(KEY_ID[RANDOM.nextInt(KEY_ID.length)]);
    }
    return b.toString();
  }

  private static String secret(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes).substring(0, n);
  }
}
