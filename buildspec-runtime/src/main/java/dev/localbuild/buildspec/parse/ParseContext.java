package dev.localbuild.buildspec.parse;

import dev.localbuild.buildspec.BuildspecWarning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The state of one parse: where the buildspec came from, the unknown keys and warnings found so
 * far, and typed accessors over YAML nodes that fail with the file, line and key path.
 */
final class ParseContext {
  private final String location;
  private final Map<String, Set<String>> unknownKeys = new LinkedHashMap<>();
  private final List<BuildspecWarning> warnings = new ArrayList<>();

  ParseContext(String location) {
    this.location = location;
  }

  String location() {
    return location;
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  BuildspecException error(Node node, String path, String message) {
    return new BuildspecException(location, line(node), path, message);
  }

  void warn(Node node, String path, String message) {
    warnings.add(new BuildspecWarning(line(node), path, message));
  }

  List<BuildspecWarning> warnings() {
    return warnings;
  }

  Map<String, List<String>> unknownKeys() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    unknownKeys.forEach((section, keys) -> out.put(section, List.copyOf(keys)));
    return out;
  }

  static boolean isNull(@Nullable Node node) {
    return node == null
        || (node instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue()));
  }

  /**
   * The entries of a mapping in file order. Keys outside {@code known} are recorded as CodeBuild's
   * "keys cannot be identified" warning for {@code section}; a repeated key is a warning and the
   * last value wins, as go-yaml does outside strict mode. {@code <<} merge keys are expanded.
   */
  Map<String, Node> mapping(Node node, String path, String section, Set<String> known) {
    if (isNull(node)) {
      return Map.of();
    }
    if (!(node instanceof MappingNode m)) {
      throw error(
          node,
          path,
          "Expected " + name(path) + " to be a mapping: found " + kind(node) + " instead");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = keyText(t.getKeyNode(), path);
      if (key.equals("<<")) {
        merge(t.getValueNode(), path, section, known, out);
        continue;
      }
      if (out.containsKey(key)) {
        warn(
            t.getKeyNode(), join(path, key), "duplicate key '" + key + "': the last value is used");
      }
      if (!known.contains(key)) {
        unknownKeys.computeIfAbsent(section, s -> new LinkedHashSet<>()).add(key);
        warn(t.getKeyNode(), join(path, key), "unknown key '" + key + "' is ignored");
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  /** A mapping whose keys are names chosen by the user (variables, report groups, artifacts). */
  Map<String, Node> namedMapping(Node node, String path) {
    if (isNull(node)) {
      return Map.of();
    }
    if (!(node instanceof MappingNode m)) {
      throw error(
          node,
          path,
          "Expected " + name(path) + " to be a mapping: found " + kind(node) + " instead");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = keyText(t.getKeyNode(), path);
      if (key.equals("<<")) {
        out.putAll(namedMapping(t.getValueNode(), path));
        continue;
      }
      if (out.containsKey(key)) {
        warn(
            t.getKeyNode(), join(path, key), "duplicate key '" + key + "': the last value is used");
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  /** The value of {@code key} in a mapping node, without recording anything; null if absent. */
  @Nullable Node peek(Node node, String key) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
          return t.getValueNode();
        }
      }
      return null;
    }
    throw error(
        node,
        "",
        "Expected the buildspec to be a mapping of keys: found " + kind(node) + " instead");
  }

  /**
   * An error located at a key rather than its value: for a bad key (an unknown phase name) the
   * key's own line is the one to fix.
   */
  BuildspecException errorAtKey(Node mapping, String key, String path, String message) {
    if (mapping instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
          return error(t.getKeyNode(), path, message);
        }
      }
    }
    return error(mapping, path, message);
  }

  private void merge(
      Node value, String path, String section, Set<String> known, Map<String, Node> out) {
    if (value instanceof SequenceNode seq) {
      for (Node n : seq.getValue()) {
        out.putAll(mapping(n, path, section, known));
      }
    } else {
      out.putAll(mapping(value, path, section, known));
    }
  }

  private String keyText(Node key, String path) {
    if (key instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(
        key,
        path,
        "Expected the keys of " + path + " to be strings: found " + kind(key) + " instead");
  }

  /**
   * A scalar's text as written (so {@code 3.10} stays {@code 3.10}, as go-yaml gives it to a string
   * field); null for a YAML null.
   */
  @Nullable String scalar(Node node, String path) {
    if (isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(
        node, path, "Expected " + path + " to be of string type: found " + kind(node) + " instead");
  }

  String requiredScalar(Node node, String path) {
    String s = scalar(node, path);
    if (s == null) {
      throw error(node, path, "Expected " + path + " to have a value: found nothing");
    }
    return s;
  }

  /**
   * A yes/no flag. The documentation uses {@code yes}/{@code no}; its own examples also use {@code
   * true}/{@code false}; YAML 1.1 adds {@code on}/{@code off}.
   */
  boolean bool(Node node, String path, boolean dflt) {
    String s = scalar(node, path);
    if (s == null) {
      return dflt;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "yes", "true", "on", "y" -> true;
      case "no", "false", "off", "n" -> false;
      default ->
          throw error(
              node, path, "Expected " + path + " to be yes or no: found '" + s + "' instead");
    };
  }

  /**
   * A list of strings. A single scalar is taken as a one-item list (real buildspecs write {@code
   * files: '**&#47;*'} and CodeBuild runs them); that is also noted as a warning.
   */
  List<String> stringList(Node node, String path) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof ScalarNode s) {
      warn(node, path, path + " is a single string, not a list; it is used as a list of one");
      return List.of(s.getValue());
    }
    if (!(node instanceof SequenceNode seq)) {
      throw error(
          node, path, "Expected " + path + " to be a list: found " + kind(node) + " instead");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String text = scalar(item, path + "[" + i + "]");
      if (text != null) {
        out.add(text);
      }
    }
    return out;
  }

  private static String name(String path) {
    return path.isEmpty() ? "the buildspec" : path;
  }

  static String kind(Node node) {
    NodeId id = node.getNodeId();
    return switch (id) {
      case mapping -> "subkeys";
      case sequence -> "a list";
      case scalar -> "a string";
      case anchor -> "an anchor";
    };
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
