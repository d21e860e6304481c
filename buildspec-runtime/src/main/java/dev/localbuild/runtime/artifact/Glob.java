package dev.localbuild.runtime.artifact;

import java.util.regex.Pattern;

/**
 * A buildspec path pattern, as {@code artifacts.files}, {@code exclude-paths}, {@code reports} and
 * {@code cache.paths} use them: {@code *} matches within one path component, {@code **} across
 * components (so {@code **}{@code /*} matches every file, top level included), {@code ?} one
 * character, {@code [...]} a character class and {@code {a,b}} either. A leading {@code ./} is
 * ignored, and a trailing {@code /} means "this directory".
 */
public final class Glob {
  private final String text;
  private final Pattern regex;
  private final String literalPrefix;

  private Glob(String text, Pattern regex, String literalPrefix) {
    this.text = text;
    this.regex = regex;
    this.literalPrefix = literalPrefix;
  }

  /** Compiles a pattern. */
  public static Glob of(String pattern) {
    String p = normalize(pattern);
    return new Glob(pattern, Pattern.compile(toRegex(p)), literalPrefix(p));
  }

  /** The pattern as written. */
  public String text() {
    return text;
  }

  /** Whether the pattern is absolute (starts at the file system's root). */
  public boolean absolute() {
    return normalize(text).startsWith("/");
  }

  /** Whether a {@code /}-separated path matches the whole pattern. */
  public boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  /**
   * The directory part before the first wildcard: everything the pattern can match lies under it
   * ({@code target/surefire-reports} for {@code target/surefire-reports/*.xml}); empty when the
   * pattern starts with a wildcard.
   */
  public String literalPrefix() {
    return literalPrefix;
  }

  static String normalize(String pattern) {
    String p = pattern.trim().replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    if (p.equals(".")) {
      p = "**";
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String literalPrefix(String p) {
    int wild = indexOfWildcard(p);
    String head = wild < 0 ? p : p.substring(0, wild);
    int slash = head.lastIndexOf('/');
    if (wild < 0) {
      return p;
    }
    return slash < 0 ? "" : head.substring(0, slash == 0 ? 1 : slash);
  }

  private static int indexOfWildcard(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  private static String toRegex(String p) {
    StringBuilder r = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
            while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
              i++;
            }
            if (i + 1 < p.length() && p.charAt(i + 1) == '/') {
              i++;
              r.append("(?:.*/)?"); // zero or more whole directories
            } else {
              r.append(".*");
            }
          } else {
            r.append("[^/]*");
          }
        }
        case '?' -> r.append("[^/]");
        case '[' -> {
          int close = p.indexOf(']', i + 2);
          if (close < 0) {
            r.append("\\[");
          } else {
            String cls = p.substring(i + 1, close);
            if (cls.startsWith("!")) {
              cls = "^" + cls.substring(1);
            }
            r.append('[').append(cls.replace("\\", "\\\\").replace("[", "\\[")).append(']');
            i = close;
          }
        }
        case '{' -> {
          braces++;
          r.append("(?:");
        }
        case '}' -> {
          if (braces > 0) {
            braces--;
            r.append(')');
          } else {
            r.append("\\}");
          }
        }
        case ',' -> r.append(braces > 0 ? "|" : ",");
        default -> r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    while (braces-- > 0) {
      r.append(')');
    }
    return r.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
