package dev.localbuild.buildspec.parse;

import static dev.localbuild.buildspec.parse.ParseContext.join;

import dev.localbuild.buildspec.BatchSpec;
import dev.localbuild.buildspec.BatchSpec.Task;
import dev.localbuild.buildspec.BatchSpec.TaskEnv;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses the {@code batch} section: {@code build-list}, {@code build-graph}, {@code build-matrix}
 * or {@code build-fanout}, with CodeBuild's rules (one kind per batch, unique identifiers, graph
 * dependencies that exist and do not loop).
 */
final class BatchParser {
  private BatchParser() {}

  static final Set<String> BATCH_KEYS =
      Set.of("fast-fail", "build-list", "build-graph", "build-matrix", "build-fanout");
  static final Set<String> TASK_KEYS =
      Set.of("identifier", "buildspec", "debug-session", "env", "ignore-failure");
  static final Set<String> GRAPH_TASK_KEYS =
      Set.of("identifier", "buildspec", "debug-session", "depend-on", "env", "ignore-failure");
  static final Set<String> TASK_ENV_KEYS =
      Set.of("compute-type", "fleet", "image", "privileged-mode", "type", "variables");

  static BatchSpec parse(ParseContext cx, Node node) {
    Map<String, Node> m = cx.mapping(node, "batch", "batch", BATCH_KEYS);
    boolean fastFail =
        m.containsKey("fast-fail") && cx.bool(m.get("fast-fail"), "batch.fast-fail", false);
    int kinds = 0;
    for (String k : List.of("build-list", "build-graph", "build-matrix", "build-fanout")) {
      kinds += m.containsKey(k) ? 1 : 0;
    }
    if (kinds > 1) {
      throw cx.error(
          node,
          "batch",
          "A batch can have only one of build-list, build-graph, build-matrix and build-fanout");
    }
    List<Task> list =
        m.containsKey("build-list")
            ? tasks(cx, m.get("build-list"), "batch.build-list", false)
            : List.of();
    List<Task> graph =
        m.containsKey("build-graph")
            ? tasks(cx, m.get("build-graph"), "batch.build-graph", true)
            : List.of();
    if (!graph.isEmpty()) {
      checkGraph(cx, (SequenceNode) m.get("build-graph"), graph);
    }
    BatchSpec.Matrix matrix =
        m.containsKey("build-matrix") ? matrix(cx, m.get("build-matrix")) : null;
    BatchSpec.Fanout fanout =
        m.containsKey("build-fanout") ? fanout(cx, m.get("build-fanout")) : null;
    return new BatchSpec(fastFail, list, graph, matrix, fanout);
  }

  private static List<Task> tasks(ParseContext cx, Node node, String path, boolean graph) {
    if (!(node instanceof SequenceNode seq)) {
      throw cx.error(
          node,
          path,
          "Expected " + path + " to be a list: found " + ParseContext.kind(node) + " instead");
    }
    List<Task> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String p = path + "[" + i + "]";
      String section = path + "[]";
      Map<String, Node> t = cx.mapping(item, p, section, graph ? GRAPH_TASK_KEYS : TASK_KEYS);
      if (!t.containsKey("identifier")) {
        throw cx.error(item, p, "Batch build entry " + i + " has no identifier");
      }
      String id = cx.requiredScalar(t.get("identifier"), join(p, "identifier"));
      if (!id.matches("[A-Za-z0-9_]{1,127}")) {
        throw cx.error(
            t.get("identifier"),
            join(p, "identifier"),
            "Invalid batch identifier: "
                + id
                + ". Identifiers are letters, digits and _ (under 128 characters)");
      }
      if (!ids.add(id)) {
        throw cx.error(
            t.get("identifier"), join(p, "identifier"), "Duplicate batch identifier: " + id);
      }
      out.add(
          new Task(
              id,
              t.containsKey("buildspec")
                  ? cx.scalar(t.get("buildspec"), join(p, "buildspec"))
                  : null,
              t.containsKey("debug-session")
                  && cx.bool(t.get("debug-session"), join(p, "debug-session"), false),
              t.containsKey("depend-on")
                  ? cx.stringList(t.get("depend-on"), join(p, "depend-on"))
                  : List.of(),
              t.containsKey("env")
                  ? taskEnv(cx, t.get("env"), join(p, "env"), section + ".env")
                  : TaskEnv.NONE,
              t.containsKey("ignore-failure")
                  && cx.bool(t.get("ignore-failure"), join(p, "ignore-failure"), false)));
    }
    return out;
  }

  private static TaskEnv taskEnv(ParseContext cx, Node node, String path, String section) {
    Map<String, Node> e = cx.mapping(node, path, section, TASK_ENV_KEYS);
    if (e.containsKey("compute-type") && e.containsKey("fleet")) {
      throw cx.error(node, path, "A batch build can set compute-type or fleet, not both");
    }
    return new TaskEnv(
        e.containsKey("compute-type")
            ? cx.scalar(e.get("compute-type"), join(path, "compute-type"))
            : null,
        e.containsKey("fleet") ? cx.scalar(e.get("fleet"), join(path, "fleet")) : null,
        e.containsKey("image") ? cx.scalar(e.get("image"), join(path, "image")) : null,
        e.containsKey("privileged-mode")
            && cx.bool(e.get("privileged-mode"), join(path, "privileged-mode"), false),
        e.containsKey("type") ? cx.scalar(e.get("type"), join(path, "type")) : null,
        e.containsKey("variables")
            ? BuildspecParser.stringMap(cx, e.get("variables"), join(path, "variables"))
            : Map.of());
  }

  /** Every {@code depend-on} names an identifier of the graph, and the graph has no cycle. */
  private static void checkGraph(ParseContext cx, SequenceNode node, List<Task> graph) {
    Map<String, Task> byId = new LinkedHashMap<>();
    graph.forEach(t -> byId.put(t.identifier(), t));
    for (int i = 0; i < graph.size(); i++) {
      Task t = graph.get(i);
      for (String dep : t.dependOn()) {
        if (!byId.containsKey(dep)) {
          Node dependOn = cx.peek(node.getValue().get(i), "depend-on");
          throw cx.error(
              dependOn == null ? node : dependOn,
              "batch.build-graph[" + i + "].depend-on",
              "Batch build " + t.identifier() + " depends on unknown build " + dep);
        }
      }
    }
    Set<String> done = new HashSet<>();
    for (Task t : graph) {
      visit(cx, node, t, byId, done, new HashSet<>());
    }
  }

  private static void visit(
      ParseContext cx,
      Node node,
      Task t,
      Map<String, Task> byId,
      Set<String> done,
      Set<String> onPath) {
    if (done.contains(t.identifier())) {
      return;
    }
    if (!onPath.add(t.identifier())) {
      throw cx.error(
          node,
          "batch.build-graph",
          "Batch build graph has a dependency cycle through " + t.identifier());
    }
    for (String dep : t.dependOn()) {
      visit(cx, node, byId.get(dep), byId, done, onPath);
    }
    onPath.remove(t.identifier());
    done.add(t.identifier());
  }

  private static BatchSpec.Matrix matrix(ParseContext cx, Node node) {
    Map<String, Node> m =
        cx.mapping(node, "batch.build-matrix", "batch.build-matrix", Set.of("static", "dynamic"));
    boolean ignore = false;
    TaskEnv staticEnv = TaskEnv.NONE;
    if (m.containsKey("static")) {
      String p = "batch.build-matrix.static";
      Map<String, Node> s = cx.mapping(m.get("static"), p, p, Set.of("ignore-failure", "env"));
      ignore =
          s.containsKey("ignore-failure")
              && cx.bool(s.get("ignore-failure"), join(p, "ignore-failure"), false);
      staticEnv =
          s.containsKey("env")
              ? taskEnv(cx, s.get("env"), join(p, "env"), join(p, "env"))
              : TaskEnv.NONE;
    }
    List<String> buildspecs = List.of();
    List<String> computeTypes = List.of();
    List<String> images = List.of();
    Map<String, List<String>> variables = new LinkedHashMap<>();
    if (m.containsKey("dynamic")) {
      String p = "batch.build-matrix.dynamic";
      Map<String, Node> d = cx.mapping(m.get("dynamic"), p, p, Set.of("buildspec", "env"));
      buildspecs =
          d.containsKey("buildspec")
              ? cx.stringList(d.get("buildspec"), join(p, "buildspec"))
              : List.of();
      if (d.containsKey("env")) {
        String ep = join(p, "env");
        Map<String, Node> e =
            cx.mapping(d.get("env"), ep, ep, Set.of("compute-type", "image", "variables"));
        computeTypes =
            e.containsKey("compute-type")
                ? cx.stringList(e.get("compute-type"), join(ep, "compute-type"))
                : List.of();
        images =
            e.containsKey("image") ? cx.stringList(e.get("image"), join(ep, "image")) : List.of();
        if (e.containsKey("variables")) {
          for (var v : cx.namedMapping(e.get("variables"), join(ep, "variables")).entrySet()) {
            variables.put(
                v.getKey(), cx.stringList(v.getValue(), join(join(ep, "variables"), v.getKey())));
          }
        }
      }
    }
    return new BatchSpec.Matrix(ignore, staticEnv, buildspecs, computeTypes, images, variables);
  }

  private static BatchSpec.Fanout fanout(ParseContext cx, Node node) {
    String p = "batch.build-fanout";
    Map<String, Node> m = cx.mapping(node, p, p, Set.of("parallelism", "ignore-failure"));
    int parallelism = 1;
    if (m.containsKey("parallelism")) {
      String text = cx.requiredScalar(m.get("parallelism"), join(p, "parallelism"));
      try {
        parallelism = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        parallelism = -1;
      }
      if (parallelism < 1 || parallelism > 100) {
        throw cx.error(
            m.get("parallelism"),
            join(p, "parallelism"),
            "build-fanout parallelism must be a number from 1 to 100: found " + text);
      }
    }
    return new BatchSpec.Fanout(
        parallelism,
        m.containsKey("ignore-failure")
            && cx.bool(m.get("ignore-failure"), join(p, "ignore-failure"), false));
  }
}
