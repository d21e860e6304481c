package dev.localbuild.buildspec.parse;

import java.io.StringReader;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML text into SnakeYAML's node graph, which keeps the line of every value, turning syntax
 * errors into {@link BuildspecException}s worded the way CodeBuild words them.
 */
final class YamlReader {
  private YamlReader() {}

  /**
   * A buildspec larger than this is surely not one (CodeBuild caps inline buildspecs at 25,500).
   */
  static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

  /**
   * @return the root node, or null for an empty document
   */
  static @Nullable Node read(String text, String location) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(64);
    options.setAllowRecursiveKeys(false);
    try {
      // what Yaml.compose does, without making a Yaml: its constructor also makes the
      // representer, whose bean introspection loads java.beans (a module of its own) on every
      // run's start, for a parse that only composes nodes
      return new Composer(
              new ParserImpl(new StreamReader(new StringReader(text)), options),
              new Resolver(),
              options)
          .getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      throw new BuildspecException(
          location, line, "", goStyle(e.getProblem()) + " at line " + line);
    } catch (YAMLException e) {
      throw new BuildspecException(location, 0, "", String.valueOf(e.getMessage()));
    }
  }

  /**
   * CodeBuild's agent is written in Go and reports go-yaml's wording; the common SnakeYAML problems
   * are mapped to it so that a search for the message finds the same answers.
   */
  static String goStyle(@Nullable String problem) {
    if (problem == null) {
      return "invalid YAML";
    }
    if (problem.startsWith("expected <block end>")) {
      return "did not find expected key";
    }
    return switch (problem) {
      case "mapping values are not allowed here" ->
          "mapping values are not allowed in this context";
      default -> problem;
    };
  }
}
