package dev.localbuild.localaws.iam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policies of service roles, one file per role: {@code <state>/iam/<role-name>.json} holds the
 * role's identity policy. A role without a file may do everything (as before policies existed
 * here); a file that cannot be read denies everything, so a typo never opens a role up. Files are
 * read again when they change, so a policy can be edited between builds.
 */
public final class RolePolicies {
  private final Path dir;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(FileTime modified, Optional<Policy> policy, String error) {}

  public RolePolicies(Path stateDir) {
    this.dir = stateDir.resolve("iam");
  }

  public static Path file(Path stateDir, String roleName) {
    return stateDir.resolve("iam").resolve(roleName + ".json");
  }

  /**
   * What a role may do: ALLOW when it has no policy file.
   *
   * @return the decision and, when the policy could not be read, why
   */
  public Policy.Decision decide(String roleName, String action, String resource) {
    if (!roleName.matches("[\\w+=,.@-]{1,64}")) {
      return Policy.Decision.IMPLICIT_DENY;
    }
    Path f = dir.resolve(roleName + ".json");
    if (!Files.exists(f)) {
      return Policy.Decision.ALLOW;
    }
    Cached c;
    try {
      FileTime m = Files.getLastModifiedTime(f);
      c = cache.get(roleName);
      if (c == null || !c.modified().equals(m)) {
        try {
          c = new Cached(m, Optional.of(Policy.read(f)), "");
        } catch (IOException e) {
          c = new Cached(m, Optional.empty(), e.getMessage());
          System.err.println(
              "local AWS: role " + roleName + " denies everything: " + e.getMessage());
        }
        cache.put(roleName, c);
      }
    } catch (IOException e) {
      return Policy.Decision.IMPLICIT_DENY;
    }
    return c.policy().map(p -> p.decide(action, resource)).orElse(Policy.Decision.IMPLICIT_DENY);
  }
}
