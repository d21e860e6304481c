package dev.localbuild.buildspec;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code secrets-manager} reference: {@code <secret-id>:<json-key>:<version-stage>:<version-id>},
 * where only the secret id is required. The secret id is a name, or an ARN (which itself contains
 * colons).
 *
 * @param secretId the secret's name or full ARN
 * @param jsonKey the key inside a JSON secret; null means the whole secret string
 * @param versionStage e.g. {@code AWSCURRENT}; null means the default stage
 * @param versionId a specific version; exclusive with {@code versionStage}
 */
public record SecretRef(
    String secretId,
    @Nullable String jsonKey,
    @Nullable String versionStage,
    @Nullable String versionId) {
  public SecretRef {
    Objects.requireNonNull(secretId, "secretId");
  }

  /**
   * Parses a reference as the buildspec writes it. Both the current separator ({@code :}) and the
   * 2023 documentation's {@code <version-stage>|<version-id>} are accepted.
   *
   * @throws IllegalArgumentException with a message fit for a buildspec error
   */
  public static SecretRef parse(String reference) {
    String rest = reference.trim();
    String id;
    if (rest.startsWith("arn:")) {
      // arn:aws:secretsmanager:<region>:<account>:secret:<name> -- seven colon-separated parts
      int cut = nthIndexOf(rest, ':', 7);
      id = cut < 0 ? rest : rest.substring(0, cut);
      rest = cut < 0 ? "" : rest.substring(cut + 1);
    } else {
      int cut = rest.indexOf(':');
      id = cut < 0 ? rest : rest.substring(0, cut);
      rest = cut < 0 ? "" : rest.substring(cut + 1);
    }
    if (id.isEmpty()) {
      throw new IllegalArgumentException("secret reference has no secret id: " + reference);
    }
    String[] parts = rest.isEmpty() ? new String[0] : rest.split("[:|]", -1);
    if (parts.length > 3) {
      throw new IllegalArgumentException(
          "secret reference has too many parts (expected"
              + " <secret-id>:<json-key>:<version-stage>:<version-id>): "
              + reference);
    }
    String jsonKey = part(parts, 0);
    String stage = part(parts, 1);
    String versionId = part(parts, 2);
    if (stage != null && versionId != null) {
      throw new IllegalArgumentException(
          "secret reference gives both a version stage and a version id: " + reference);
    }
    return new SecretRef(id, jsonKey, stage, versionId);
  }

  private static @Nullable String part(String[] parts, int i) {
    return i < parts.length && !parts[i].isEmpty() ? parts[i] : null;
  }

  private static int nthIndexOf(String s, char c, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = s.indexOf(c, at + 1);
      if (at < 0) {
        return -1;
      }
    }
    return at;
  }
}
