package dev.localbuild.runtime.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Safe XML reading for report files: a build's output is untrusted, so DTDs and external entities
 * are refused (no XXE, no billion laughs).
 */
final class Xml {
  private Xml() {}

  static Document parse(byte[] content) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(content));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("not a valid XML report: " + e.getMessage(), e);
    }
  }

  /** Every descendant element with this tag name (local name; namespace prefixes ignored). */
  static List<Element> all(Element root, String name) {
    List<Element> out = new ArrayList<>();
    collect(root, name, out);
    return out;
  }

  private static void collect(Node node, String name, List<Element> out) {
    NodeList kids = node.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (kids.item(i) instanceof Element e) {
        if (local(e).equals(name)) {
          out.add(e);
        }
        collect(e, name, out);
      }
    }
  }

  /** Direct children with this tag name. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList kids = parent.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (kids.item(i) instanceof Element e && local(e).equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  static @Nullable Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  static String local(Element e) {
    String n = e.getTagName();
    int colon = n.indexOf(':');
    return colon < 0 ? n : n.substring(colon + 1);
  }

  static @Nullable String attr(Element e, String name) {
    return e.hasAttribute(name) ? e.getAttribute(name) : null;
  }

  static long longAttr(Element e, String name) {
    String v = attr(e, name);
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException ex) {
      try {
        return (long) Double.parseDouble(v.trim());
      } catch (NumberFormatException ex2) {
        return 0;
      }
    }
  }

  /** A duration in (fractional) seconds, as JUnit writes it, in nanoseconds. */
  static long secondsToNanos(@Nullable String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return 0;
    }
    try {
      return Math.round(Double.parseDouble(seconds.trim().replace(",", "")) * 1e9);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The failure text: the message attribute and the element's body, trimmed. */
  static @Nullable String failureText(@Nullable Element failure) {
    if (failure == null) {
      return null;
    }
    String message = attr(failure, "message");
    String body = failure.getTextContent() == null ? "" : failure.getTextContent().strip();
    if (message == null || message.isBlank()) {
      return body.isEmpty() ? null : body;
    }
    if (body.isEmpty()) {
      return message;
    }
    // a stack trace usually repeats the message: do not show it twice
    return body.contains(message) ? body : message + "\n" + body;
  }
}
