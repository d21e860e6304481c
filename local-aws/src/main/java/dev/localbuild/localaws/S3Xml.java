package dev.localbuild.localaws;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The XML of S3's REST protocol: answers written, the few request bodies read. */
final class S3Xml {
  private S3Xml() {}

  static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
  static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

  /** An element builder: {@code new S3Xml.El("Name").text("Key", k).close()}. */
  static final class El {
    private final StringBuilder b = new StringBuilder();
    private final List<String> open = new ArrayList<>();

    El(String root) {
      b.append(HEAD).append('<').append(root).append(" xmlns=\"").append(NS).append("\">");
      open.add(root);
    }

    El text(String name, Object value) {
      b.append('<').append(name).append('>');
      b.append(escape(String.valueOf(value)));
      b.append("</").append(name).append('>');
      return this;
    }

    El start(String name) {
      b.append('<').append(name).append('>');
      open.add(name);
      return this;
    }

    El end() {
      b.append("</").append(open.removeLast()).append('>');
      return this;
    }

    String close() {
      while (!open.isEmpty()) {
        end();
      }
      return b.toString();
    }
  }

  static String error(String code, String message, Map<String, String> details, String id) {
    StringBuilder b = new StringBuilder(HEAD).append("<Error>");
    b.append("<Code>").append(escape(code)).append("</Code>");
    b.append("<Message>").append(escape(message)).append("</Message>");
    details.forEach((k, v) ->
        b.append('<').append(k).append('>').append(escape(v)).append("</").append(k).append('>'));
    b.append("<RequestId>").append(id).append("</RequestId></Error>");
    return b.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\r' -> b.append("&#13;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&");
  }

  /** S3's XML timestamps: ISO 8601 with milliseconds. */
  static String time(Instant i) {
    return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.MILLIS));
  }

  /** HTTP's dates ({@code Last-Modified}). */
  static String httpDate(Instant i) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atOffset(ZoneOffset.UTC));
  }

  /** {@code encoding-type=url}: keys percent-encoded, slashes kept (the CLI asks for this). */
  static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** The texts of every {@code <name>} element, in order (request bodies are small and flat). */
  static List<String> all(String xml, String name) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(xml);
    while (m.find()) {
      out.add(unescape(m.group(1)));
    }
    return out;
  }
}
