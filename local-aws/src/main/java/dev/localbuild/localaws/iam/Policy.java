package dev.localbuild.localaws.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IAM identity policy, the document a user attaches to a CodeBuild service role, evaluated as
 * IAM evaluates one: an explicit Deny wins, then an Allow, and no matching statement denies.
 * Actions match case-insensitively with {@code *} and {@code ?}, resources case-sensitively; {@code
 * NotAction} and {@code NotResource} are honoured. Conditions are not evaluated: a statement with a
 * {@code Condition} is kept only if it is a Deny (so a policy never grants more here than in AWS).
 */
public final class Policy {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer for one call. */
  public enum Decision {
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY
  }

  private record Statement(
      boolean allow,
      List<Pattern> actions,
      boolean notAction,
      List<Pattern> resources,
      boolean notResource) {
    boolean matches(String action, String resource) {
      boolean a = actions.stream().anyMatch(p -> p.matcher(action).matches()) != notAction;
      boolean r = resources.stream().anyMatch(p -> p.matcher(resource).matches()) != notResource;
      return a && r;
    }
  }

  private final List<Statement> statements;

  private Policy(List<Statement> statements) {
    this.statements = statements;
  }

  /** Reads a policy file; the error names the file and what is wrong. */
  public static Policy read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not JSON: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  static Policy parse(JsonNode root, String where) throws IOException {
    JsonNode st = root.path("Statement");
    if (st.isMissingNode()) {
      throw new IOException(where + ": a policy needs a Statement");
    }
    List<Statement> out = new ArrayList<>();
    for (JsonNode s : st.isArray() ? st : List.of(st)) {
      String effect = s.path("Effect").asText("");
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw new IOException(
            where + ": Statement Effect must be Allow or Deny, not '" + effect + "'");
      }
      boolean notAction = s.has("NotAction");
      boolean notResource = s.has("NotResource");
      JsonNode actions = s.path(notAction ? "NotAction" : "Action");
      JsonNode resources = s.path(notResource ? "NotResource" : "Resource");
      if (actions.isMissingNode() || resources.isMissingNode()) {
        throw new IOException(where + ": every Statement needs Action (or NotAction) and Resource");
      }
      if (s.has("Condition") && effect.equals("Allow")) {
        continue; // cannot be evaluated here: granting it would allow more than AWS might
      }
      out.add(
          new Statement(
              effect.equals("Allow"),
              patterns(actions, true),
              notAction,
              patterns(resources, false),
              notResource));
    }
    return new Policy(out);
  }

  public Decision decide(String action, String resource) {
    boolean allowed = false;
    for (Statement s : statements) {
      if (s.matches(action, resource)) {
        if (!s.allow()) {
          return Decision.EXPLICIT_DENY;
        }
        allowed = true;
      }
    }
    return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
  }

  private static List<Pattern> patterns(JsonNode n, boolean ignoreCase) {
    List<Pattern> out = new ArrayList<>();
    for (JsonNode v : n.isArray() ? n : List.of(n)) {
      out.add(wildcard(v.asText(), ignoreCase));
    }
    return out;
  }

  static Pattern wildcard(String glob, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }

  /** IAM's words for a denied call, as AWS puts them in AccessDenied messages. */
  public static String deniedMessage(String principal, String action, String resource, Decision d) {
    return "User: "
        + principal
        + " is not authorized to perform: "
        + action
        + " on resource: "
        + resource
        + (d == Decision.EXPLICIT_DENY
            ? " with an explicit deny in an identity-based policy"
            : " because no identity-based policy allows the " + action + " action");
  }
}
