package dev.localbuild.server.web;

import java.util.ArrayList;
import java.util.List;

/**
 * A log line as the web page shows it: HTML-escaped, its ANSI colours (SGR) as spans with classes
 * the page's stylesheet colours ({@code fg1} red ... {@code fg15}, {@code bg*}, {@code b} bold,
 * {@code d} dim, {@code i} italic, {@code u} underline), 256-colour and true-colour codes as inline
 * colours. Other escape sequences (cursor moves, titles) are dropped, and a carriage return keeps
 * what a terminal would show: the text after it. Each line starts with the default style, as a
 * build tool's coloured line ends with a reset.
 */
public final class AnsiHtml {
  private AnsiHtml() {}

  /** The style in effect: colours as an index (0-255), an {@code #rrggbb}, or none. */
  private static final class Style {
    String fg;
    String bg;
    boolean bold;
    boolean dim;
    boolean italic;
    boolean underline;

    boolean plain() {
      return fg == null && bg == null && !bold && !dim && !italic && !underline;
    }

    void reset() {
      fg = null;
      bg = null;
      bold = false;
      dim = false;
      italic = false;
      underline = false;
    }

    String open() {
      List<String> classes = new ArrayList<>();
      StringBuilder css = new StringBuilder();
      colour(fg, "fg", "color", classes, css);
      colour(bg, "bg", "background-color", classes, css);
      if (bold) {
        classes.add("b");
      }
      if (dim) {
        classes.add("d");
      }
      if (italic) {
        classes.add("i");
      }
      if (underline) {
        classes.add("u");
      }
      StringBuilder s = new StringBuilder("<span");
      if (!classes.isEmpty()) {
        s.append(" class=\"").append(String.join(" ", classes)).append('"');
      }
      if (!css.isEmpty()) {
        s.append(" style=\"").append(css).append('"');
      }
      return s.append('>').toString();
    }

    private static void colour(
        String c, String prefix, String property, List<String> classes, StringBuilder css) {
      if (c == null) {
        return;
      }
      if (c.startsWith("#")) {
        css.append(property).append(':').append(c).append(';');
      } else if (Integer.parseInt(c) < 16) {
        classes.add(prefix + c);
      } else {
        css.append(property).append(':').append(xterm256(Integer.parseInt(c))).append(';');
      }
    }
  }

  /** The line as HTML. */
  public static String render(String line) {
    int cr = line.lastIndexOf('\r', line.length() - 2);
    if (cr >= 0) {
      line = line.substring(cr + 1); // a progress bar's last state, as the terminal ends it
    }
    StringBuilder out = new StringBuilder(line.length() + 16);
    Style style = new Style();
    boolean open = false;
    int i = 0;
    while (i < line.length()) {
      char ch = line.charAt(i);
      if (ch == 0x1b) {
        int end = sequenceEnd(line, i);
        if (end > i + 2 && line.charAt(i + 1) == '[' && line.charAt(end - 1) == 'm') {
          apply(style, line.substring(i + 2, end - 1));
          if (open) {
            out.append("</span>");
            open = false;
          }
          if (!style.plain()) {
            out.append(style.open());
            open = true;
          }
        }
        i = end;
        continue;
      }
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\r', '\n' -> {}
        default -> {
          if (ch < 0x20 && ch != '\t') {
            break; // other control characters show nothing in a terminal either
          }
          out.append(ch);
        }
      }
      i++;
    }
    if (open) {
      out.append("</span>");
    }
    return out.toString();
  }

  /** The index after an escape sequence starting at {@code at}: CSI, OSC, or a two-byte one. */
  private static int sequenceEnd(String s, int at) {
    if (at + 1 >= s.length()) {
      return s.length();
    }
    char kind = s.charAt(at + 1);
    if (kind == '[') {
      int j = at + 2;
      while (j < s.length() && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
        j++;
      }
      return Math.min(j + 1, s.length());
    }
    if (kind == ']') {
      // an OSC ends with BEL or ESC \
      for (int j = at + 2; j < s.length(); j++) {
        if (s.charAt(j) == 0x07) {
          return j + 1;
        }
        if (s.charAt(j) == 0x1b && j + 1 < s.length() && s.charAt(j + 1) == '\\') {
          return j + 2;
        }
      }
      return s.length();
    }
    return at + 2;
  }

  private static void apply(Style style, String params) {
    String[] p = params.isEmpty() ? new String[] {"0"} : params.split("[;:]", -1);
    for (int k = 0; k < p.length; k++) {
      int n;
      try {
        n = p[k].isEmpty() ? 0 : Integer.parseInt(p[k]);
      } catch (NumberFormatException e) {
        return; // not SGR as terminals know it: the rest is ignored, as they do
      }
      switch (n) {
        case 0 -> style.reset();
        case 1 -> style.bold = true;
        case 2 -> style.dim = true;
        case 3 -> style.italic = true;
        case 4 -> style.underline = true;
        case 22 -> {
          style.bold = false;
          style.dim = false;
        }
        case 23 -> style.italic = false;
        case 24 -> style.underline = false;
        case 39 -> style.fg = null;
        case 49 -> style.bg = null;
        case 38, 48 -> {
          String c = null;
          if (k + 2 < p.length && p[k + 1].equals("5")) {
            c = index(p[k + 2]);
            k += 2;
          } else if (k + 4 < p.length && p[k + 1].equals("2")) {
            c = rgb(p[k + 2], p[k + 3], p[k + 4]);
            k += 4;
          }
          if (n == 38) {
            style.fg = c;
          } else {
            style.bg = c;
          }
        }
        default -> {
          if (n >= 30 && n <= 37) {
            style.fg = Integer.toString(n - 30);
          } else if (n >= 90 && n <= 97) {
            style.fg = Integer.toString(n - 90 + 8);
          } else if (n >= 40 && n <= 47) {
            style.bg = Integer.toString(n - 40);
          } else if (n >= 100 && n <= 107) {
            style.bg = Integer.toString(n - 100 + 8);
          }
        }
      }
    }
  }

  private static String index(String s) {
    try {
      int n = Integer.parseInt(s);
      return n >= 0 && n <= 255 ? Integer.toString(n) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String rgb(String r, String g, String b) {
    try {
      return String.format(
          "#%02x%02x%02x",
          Math.clamp(Integer.parseInt(r), 0, 255),
          Math.clamp(Integer.parseInt(g), 0, 255),
          Math.clamp(Integer.parseInt(b), 0, 255));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** xterm's 256-colour palette above the 16 the stylesheet names: a 6x6x6 cube, then greys. */
  static String xterm256(int n) {
    if (n >= 232) {
      int v = 8 + (n - 232) * 10;
      return String.format("#%02x%02x%02x", v, v, v);
    }
    int c = n - 16;
    int[] steps = {0, 95, 135, 175, 215, 255};
    return String.format("#%02x%02x%02x", steps[c / 36], steps[(c / 6) % 6], steps[c % 6]);
  }
}
