package dev.localbuild.buildspec.parse;

import static dev.localbuild.buildspec.parse.ParseContext.isNull;
import static dev.localbuild.buildspec.parse.ParseContext.join;
import static dev.localbuild.buildspec.parse.ParseContext.line;

import dev.localbuild.buildspec.BatchSpec;
import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.Buildspec.Version;
import dev.localbuild.buildspec.Command;
import dev.localbuild.buildspec.EnvSpec;
import dev.localbuild.buildspec.OnFailure;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.PhaseName;
import dev.localbuild.buildspec.ProxySpec;
import dev.localbuild.buildspec.SecretRef;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses buildspec YAML (versions 0.1 and 0.2) into a {@link Buildspec}, validating every key the
 * way CodeBuild does: what CodeBuild refuses is a {@link BuildspecException} with CodeBuild's
 * message and the file, line and key path; what CodeBuild only warns about (unknown keys) is kept
 * in the result.
 */
public final class BuildspecParser {
  static final Set<String> TOP_KEYS_V02 =
      Set.of(
          "version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache");
  static final Set<String> TOP_KEYS_V01 =
      Set.of("version", "environment_variables", "env", "phases", "reports", "artifacts", "cache");
  static final Set<String> ENV_KEYS =
      Set.of(
          "shell",
          "variables",
          "parameter-store",
          "secrets-manager",
          "exported-variables",
          "git-credential-helper");
  static final Set<String> ENV_KEYS_V01 = Set.of("plaintext", "variables", "parameter-store");
  static final Set<String> PHASE_KEYS = Set.of("run-as", "on-failure", "commands", "finally");
  static final Set<String> INSTALL_KEYS =
      Set.of("run-as", "on-failure", "commands", "finally", "runtime-versions");

  private BuildspecParser() {}

  /**
   * Reads and parses a buildspec file.
   *
   * @throws BuildspecException {@code YAML file does not exist} when there is no such file, or what
   *     is wrong with it
   */
  public static Buildspec parse(Path file) {
    return parse(BuildspecFile.read(file, null), file.toString());
  }

  /**
   * Parses buildspec text.
   *
   * @param location what error messages call the buildspec (a path, or {@code inline})
   */
  public static Buildspec parse(String text, String location) {
    ParseContext cx = new ParseContext(location);
    Node root = YamlReader.read(text, location);
    if (isNull(root)) {
      throw new BuildspecException(
          location, 0, "", "invalid buildspec `version` specified: , see documentation");
    }
    Version version = version(cx, root, cx.peek(root, "version"));
    Map<String, Node> top =
        cx.mapping(root, "", "buildspec", version == Version.V0_1 ? TOP_KEYS_V01 : TOP_KEYS_V02);

    String runAs = top.containsKey("run-as") ? cx.scalar(top.get("run-as"), "run-as") : null;
    EnvSpec env = env(cx, top, version);
    ProxySpec proxy = top.containsKey("proxy") ? proxy(cx, top.get("proxy")) : ProxySpec.NONE;
    BatchSpec batch = top.containsKey("batch") ? BatchParser.parse(cx, top.get("batch")) : null;
    Map<PhaseName, Phase> phases =
        top.containsKey("phases") ? phases(cx, top.get("phases")) : Map.of();
    var reports = OutputsParser.reports(cx, top.get("reports"));
    var artifacts = OutputsParser.artifacts(cx, top.get("artifacts"), version);
    var cache = OutputsParser.cache(cx, top.get("cache"));
    return new Buildspec(
        location,
        version,
        runAs,
        env,
        proxy,
        batch,
        phases,
        reports,
        artifacts,
        cache,
        cx.unknownKeys(),
        cx.warnings());
  }

  private static Version version(ParseContext cx, Node root, @Nullable Node node) {
    String text = node == null ? null : cx.scalar(node, "version");
    if (text != null) {
      try {
        BigDecimal v = new BigDecimal(text.trim());
        if (v.compareTo(new BigDecimal("0.2")) == 0) {
          return Version.V0_2;
        }
        if (v.compareTo(new BigDecimal("0.1")) == 0) {
          return Version.V0_1;
        }
      } catch (NumberFormatException e) {
        // falls through to CodeBuild's message
      }
    }
    throw cx.error(
        node == null ? root : node,
        "version",
        "invalid buildspec `version` specified: "
            + (text == null ? "" : text)
            + ", see documentation");
  }

  private static EnvSpec env(ParseContext cx, Map<String, Node> top, Version version) {
    boolean v01 = version == Version.V0_1;
    Node node = top.get("env");
    String path = "env";
    Set<String> known = ENV_KEYS;
    if (v01 && top.containsKey("environment_variables")) {
      node = top.get("environment_variables");
      path = "environment_variables";
      known = ENV_KEYS_V01;
    }
    if (node == null) {
      return EnvSpec.EMPTY;
    }
    Map<String, Node> env = cx.mapping(node, path, path, known);
    Map<String, String> variables = new LinkedHashMap<>();
    for (String key : List.of("plaintext", "variables")) {
      if (env.containsKey(key)) {
        variables.putAll(stringMap(cx, env.get(key), join(path, key)));
      }
    }
    Map<String, String> parameters =
        env.containsKey("parameter-store")
            ? stringMap(cx, env.get("parameter-store"), join(path, "parameter-store"))
            : Map.of();
    Map<String, SecretRef> secrets = new LinkedHashMap<>();
    if (env.containsKey("secrets-manager")) {
      String sp = join(path, "secrets-manager");
      for (var e : cx.namedMapping(env.get("secrets-manager"), sp).entrySet()) {
        String ref = cx.requiredScalar(e.getValue(), join(sp, e.getKey()));
        try {
          secrets.put(e.getKey(), SecretRef.parse(ref));
        } catch (IllegalArgumentException bad) {
          throw cx.error(e.getValue(), join(sp, e.getKey()), bad.getMessage());
        }
      }
    }
    List<String> exported =
        env.containsKey("exported-variables")
            ? cx.stringList(env.get("exported-variables"), join(path, "exported-variables"))
            : List.of();
    for (String name : exported) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        cx.warn(
            env.get("exported-variables"),
            join(path, "exported-variables"),
            "'" + name + "' is not a valid shell variable name; its value will always be empty");
      }
    }
    String shell =
        env.containsKey("shell") ? cx.scalar(env.get("shell"), join(path, "shell")) : null;
    boolean helper =
        env.containsKey("git-credential-helper")
            && cx.bool(
                env.get("git-credential-helper"), join(path, "git-credential-helper"), false);
    for (String name : variables.keySet()) {
      if (name.startsWith("CODEBUILD_")) {
        cx.warn(
            env.get(env.containsKey("variables") ? "variables" : "plaintext"),
            join(path, "variables"),
            "variable names starting with CODEBUILD_ are reserved for CodeBuild: " + name);
      }
    }
    return new EnvSpec(shell, variables, parameters, secrets, exported, helper);
  }

  /** A NAME: value mapping; values are taken as written, a null value is the empty string. */
  static Map<String, String> stringMap(ParseContext cx, Node node, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : cx.namedMapping(node, path).entrySet()) {
      String value = cx.scalar(e.getValue(), join(path, e.getKey()));
      out.put(e.getKey(), value == null ? "" : value);
    }
    return out;
  }

  private static ProxySpec proxy(ParseContext cx, Node node) {
    Map<String, Node> m = cx.mapping(node, "proxy", "proxy", Set.of("upload-artifacts", "logs"));
    boolean upload =
        m.containsKey("upload-artifacts")
            && cx.bool(m.get("upload-artifacts"), "proxy.upload-artifacts", false);
    boolean logs = m.containsKey("logs") && cx.bool(m.get("logs"), "proxy.logs", false);
    return new ProxySpec(upload, logs);
  }

  private static Map<PhaseName, Phase> phases(ParseContext cx, Node node) {
    Map<PhaseName, Phase> out = new LinkedHashMap<>();
    for (var e : cx.namedMapping(node, "phases").entrySet()) {
      PhaseName name =
          PhaseName.fromKey(e.getKey())
              .orElseThrow(() ->
                  cx.errorAtKey(
                      node,
                      e.getKey(),
                      join("phases", e.getKey()),
                      "Invalid buildspec phase name: "
                          + e.getKey()
                          + ". Expecting: build,install,post_build,pre_build"));
      out.put(name, phase(cx, name, e.getValue()));
    }
    return out;
  }

  private static Phase phase(ParseContext cx, PhaseName name, Node node) {
    String path = join("phases", name.key());
    Map<String, Node> m =
        cx.mapping(node, path, path, name == PhaseName.INSTALL ? INSTALL_KEYS : PHASE_KEYS);
    String runAs =
        m.containsKey("run-as") ? cx.scalar(m.get("run-as"), join(path, "run-as")) : null;
    OnFailure onFailure =
        m.containsKey("on-failure")
            ? OnFailureParser.parse(cx, m.get("on-failure"), join(path, "on-failure"))
            : OnFailure.DEFAULT;
    List<Command> commands = commands(cx, m.get("commands"), join(path, "commands"), "Commands");
    List<Command> finallyCommands =
        commands(cx, m.get("finally"), join(path, "finally"), "Finally");
    Map<String, String> runtimes =
        m.containsKey("runtime-versions")
            ? stringMap(cx, m.get("runtime-versions"), join(path, "runtime-versions"))
            : Map.of();
    if (commands.isEmpty() && !finallyCommands.isEmpty()) {
      cx.warn(node, path, "phase has `finally` but no `commands`");
    }
    return new Phase(name, runAs, onFailure, commands, finallyCommands, runtimes, line(node));
  }

  /**
   * A {@code commands} or {@code finally} list. Every item must be a string: a mapping (the usual
   * cause is an unquoted {@code ": "}) fails with CodeBuild's exact message. A null item ({@code -
   * } followed by a comment) is an empty command, as CodeBuild runs it.
   */
  static List<Command> commands(ParseContext cx, @Nullable Node node, String path, String label) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof ScalarNode s) {
      cx.warn(node, path, path + " is a single string, not a list; it runs as one command");
      return List.of(new Command(s.getValue(), line(s)));
    }
    if (!(node instanceof SequenceNode seq)) {
      throw cx.error(
          node,
          path,
          "Expected "
              + label
              + " to be a list of strings: found subkeys instead at line "
              + line(node));
    }
    List<Command> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String itemPath = path + "[" + i + "]";
      if (isNull(item)) {
        cx.warn(
            item,
            itemPath,
            "empty command (a `- ` followed only by a comment?); it runs as an empty command");
        out.add(new Command("", line(item)));
      } else if (item instanceof ScalarNode s) {
        out.add(new Command(s.getValue(), line(s)));
      } else {
        int at = line(item);
        String found = item instanceof SequenceNode ? "a list" : "subkeys";
        throw cx.error(
            item,
            itemPath,
            "Expected "
                + label
                + "["
                + i
                + "] to be of string type: found "
                + found
                + " instead at line "
                + at
                + ", value of the key tag on line "
                + (at - 1)
                + " might be empty");
      }
    }
    return out;
  }
}
