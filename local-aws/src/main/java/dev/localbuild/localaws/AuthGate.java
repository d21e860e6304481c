package dev.localbuild.localaws;

import dev.localbuild.localaws.auth.AccessKey;
import dev.localbuild.localaws.auth.AccessKeys;
import dev.localbuild.localaws.auth.SigV4Verifier;
import dev.localbuild.localaws.auth.SignedRequest;
import dev.localbuild.localaws.iam.Policy;
import dev.localbuild.localaws.iam.RolePolicies;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what in the local AWS. Every request is signed (SigV4) with its root key or a session
 * it issued; a session that acts as a role is held to that role's policy, if the user wrote one
 * ({@code <state>/iam/<role>.json}), as IAM holds a CodeBuild build to its service role.
 */
final class AuthGate {
  /** How far X-Amz-Date may be from now: AWS's JSON services allow 5 minutes. */
  static final Duration JSON_SKEW = Duration.ofMinutes(5);

  /** STS and S3 allow 15 minutes. */
  static final Duration QUERY_SKEW = Duration.ofMinutes(15);

  private final AccessKeys keys;
  private final SigV4Verifier verifier;
  private final RolePolicies policies;

  AuthGate(Path stateDir, String account) throws java.io.IOException {
    this.keys = AccessKeys.open(stateDir, account);
    this.verifier = new SigV4Verifier(keys::find, Clock.systemUTC());
    this.policies = new RolePolicies(stateDir);
  }

  AccessKeys keys() {
    return keys;
  }

  /** Checks a request's signature; {@code bodySha256} when its body was read whole. */
  SigV4Verifier.Verdict authenticate(
      HttpServerRequest req, @Nullable String bodySha256, Duration skew) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    req.headers()
        .forEach(
            h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
    if (req.getHeader("Host") == null && req.authority() != null) {
      // HTTP/2 (Java's HttpClient upgrades to it) names the host in :authority, signed as host
      headers.put("host", List.of(req.authority().toString()));
    }
    return verifier.verify(
        new SignedRequest(req.method().name(), req.path(), req.query(), headers, bodySha256), skew);
  }

  /**
   * Whether a caller may perform an action on a resource; the AccessDenied message AWS would give
   * when not.
   */
  Optional<String> denied(
      String principalArn, @Nullable String roleName, String action, String resource) {
    if (roleName == null) {
      return Optional.empty(); // the root key, and sessions acting as it
    }
    Policy.Decision d = policies.decide(roleName, action, resource);
    return d == Policy.Decision.ALLOW
        ? Optional.empty()
        : Optional.of(Policy.deniedMessage(principalArn, action, resource, d));
  }

  Optional<String> denied(AccessKey key, String action, List<String> resources) {
    for (String r : resources) {
      Optional<String> d = denied(key.principalArn(), key.roleName(), action, r);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }
}
