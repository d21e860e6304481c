package dev.localbuild.buildspec.parse;

import dev.localbuild.buildspec.OnFailure;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses {@code on-failure}: {@code ABORT}, {@code CONTINUE}, {@code RETRY}, {@code RETRY-<count>},
 * {@code RETRY-<regex>} or {@code RETRY-<count>-<regex>}. The documentation's own examples mix case
 * ({@code Retry-3-...}), so the keywords are case-insensitive; the regex keeps its case.
 */
final class OnFailureParser {
  private OnFailureParser() {}

  private static final Pattern RETRY =
      Pattern.compile("(?i)RETRY(?:-(\\d+))?(?:-(.+))?", Pattern.DOTALL);
  static final int DEFAULT_RETRIES = 3;

  static OnFailure parse(ParseContext cx, Node node, String path) {
    String text = cx.requiredScalar(node, path).trim();
    String upper = text.toUpperCase(Locale.ROOT);
    if (upper.equals("ABORT")) {
      return OnFailure.ABORT;
    }
    if (upper.equals("CONTINUE")) {
      return OnFailure.CONTINUE;
    }
    Matcher m = RETRY.matcher(text);
    if (m.matches()) {
      int retries = DEFAULT_RETRIES;
      if (m.group(1) != null) {
        retries = Integer.parseInt(m.group(1).length() > 4 ? "999" : m.group(1));
        if (retries > 100) {
          throw cx.error(
              node,
              path,
              "Invalid on-failure value: " + text + ". The retry count must be between 0 and 100");
        }
      }
      String regex = m.group(2) == null ? ".*" : m.group(2);
      try {
        return new OnFailure.Retry(retries, Pattern.compile(regex, Pattern.DOTALL));
      } catch (PatternSyntaxException e) {
        throw cx.error(
            node,
            path,
            "Invalid on-failure value: "
                + text
                + ". The retry pattern is not a valid regular expression: "
                + e.getDescription());
      }
    }
    throw cx.error(
        node,
        path,
        "Invalid on-failure value: "
            + text
            + ". Expecting: ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex>, RETRY-<count>-<regex>");
  }
}
