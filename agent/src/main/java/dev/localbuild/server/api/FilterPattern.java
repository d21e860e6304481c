package dev.localbuild.server.api;

import dev.localbuild.server.error.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CloudWatch Logs filter pattern over unstructured lines: terms that must all appear ({@code
 * ERROR Exception}), {@code "quoted phrases"}, {@code ?a ?b} (any of them), {@code -term} (must not
 * appear); case-sensitive, as CloudWatch's. JSON ({@code { $.x = 1 }}) and space-delimited ({@code
 * [a, b]}) patterns are for structured logs, which build logs are not: they are refused by name.
 *
 * @param all terms every matching line has
 * @param any terms of which a matching line has one (none: no such condition)
 * @param none terms no matching line has
 */
record FilterPattern(List<String> all, List<String> any, List<String> none) {
  static FilterPattern parse(String pattern) throws ApiException {
    String p = pattern == null ? "" : pattern.strip();
    if (p.startsWith("{") || p.startsWith("[") || p.startsWith("%")) {
      throw ApiException.invalidParameter(
          "Invalid filter pattern: this server's logs are build output lines; use terms,"
              + " \"phrases\", ?any and -exclude (JSON, space-delimited and regex patterns are not"
              + " supported)");
    }
    List<String> all = new ArrayList<>();
    List<String> any = new ArrayList<>();
    List<String> none = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      List<String> into = all;
      if ((c == '?' || c == '-') && i + 1 < p.length()) {
        into = c == '?' ? any : none;
        i++;
      }
      String term;
      if (p.charAt(i) == '"') {
        int end = p.indexOf('"', i + 1);
        if (end < 0) {
          throw ApiException.invalidParameter(
              "Invalid filter pattern: a quoted phrase is not closed: " + p.substring(i));
        }
        term = p.substring(i + 1, end);
        i = end + 1;
      } else {
        int end = i;
        while (end < p.length() && !Character.isWhitespace(p.charAt(end))) {
          end++;
        }
        term = p.substring(i, end);
        i = end;
      }
      if (!term.isEmpty()) {
        into.add(term);
      }
    }
    return new FilterPattern(List.copyOf(all), List.copyOf(any), List.copyOf(none));
  }

  boolean matches(String line) {
    for (String t : all) {
      if (!line.contains(t)) {
        return false;
      }
    }
    for (String t : none) {
      if (line.contains(t)) {
        return false;
      }
    }
    return any.isEmpty() || any.stream().anyMatch(line::contains);
  }
}
