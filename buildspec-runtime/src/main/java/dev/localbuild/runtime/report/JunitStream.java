package dev.localbuild.runtime.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * JUnit XML read as a stream (StAX), one test case at a time: a report of any size takes memory for
 * one test case, not for the document (a 38 MB Surefire report as a DOM took the agent to 1 GB).
 * Failure texts are cut at {@link #MAX_TEXT} characters. As {@link Xml}, it refuses DTDs and
 * external entities: the file is the build's, so untrusted.
 */
final class JunitStream {
  /** The longest failure text kept (a stack trace rarely needs more). */
  static final int MAX_TEXT = 64 * 1024;

  private JunitStream() {}

  static void parse(InputStream in, String path, Consumer<TestCase> out) throws IOException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    XMLStreamReader r = null;
    try {
      // the parser closes its input at the end of the document; the input may be one entry of a
      // tar stream (a container's files) that must stay open for the next entry
      r =
          f.createXMLStreamReader(
              new java.io.FilterInputStream(in) {
                @Override
                public void close() {}
              });
      // the enclosing suites' names (an array, as a name may be absent)
      Deque<String[]> suites = new ArrayDeque<>();
      Case current = null;
      boolean sawRoot = false;
      while (r.hasNext()) {
        int event = r.next();
        if (event == XMLStreamConstants.DTD) {
          throw new IOException("not a valid XML report: a DOCTYPE is not allowed");
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          String name = local(r.getLocalName());
          if (!sawRoot) {
            sawRoot = true;
            if (!name.equals("testsuites") && !name.equals("testsuite")) {
              throw new IOException("not a JUnit XML report: the root element is <" + name + ">");
            }
          }
          switch (name) {
            case "testsuite" -> suites.push(new String[] {attr(r, "name")});
            case "testsuites" -> suites.push(new String[] {attr(r, "name")});
            case "testcase" ->
                current =
                    new Case(
                        suites.isEmpty() ? null : suites.peek()[0],
                        attr(r, "classname"),
                        attr(r, "name"),
                        attr(r, "time"));
            case "failure", "error", "skipped" -> {
              if (current != null && current.outcome == null) {
                current.outcome = name;
                current.message = attr(r, "message");
                current.collecting = true;
              }
            }
            default -> {}
          }
        } else if (event == XMLStreamConstants.CHARACTERS
            || event == XMLStreamConstants.CDATA
            || event == XMLStreamConstants.SPACE) {
          if (current != null && current.collecting && current.body.length() < MAX_TEXT) {
            String t = r.getText();
            current.body.append(t, 0, Math.min(t.length(), MAX_TEXT - current.body.length()));
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = local(r.getLocalName());
          switch (name) {
            case "testsuite", "testsuites" -> {
              if (!suites.isEmpty()) {
                suites.pop();
              }
            }
            case "failure", "error", "skipped" -> {
              if (current != null) {
                current.collecting = false;
              }
            }
            case "testcase" -> {
              if (current != null) {
                out.accept(current.toTestCase(path));
                current = null;
              }
            }
            default -> {}
          }
        }
      }
    } catch (XMLStreamException e) {
      throw new IOException("not a valid XML report: " + e.getMessage(), e);
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // closing a reader of a stream the caller closes
        }
      }
    }
  }

  private static final class Case {
    final @Nullable String suite;
    final @Nullable String classname;
    final @Nullable String name;
    final @Nullable String time;
    @Nullable String outcome;
    @Nullable String message;
    boolean collecting;
    final StringBuilder body = new StringBuilder();

    Case(
        @Nullable String suite,
        @Nullable String classname,
        @Nullable String name,
        @Nullable String time) {
      this.suite = suite;
      this.classname = classname;
      this.name = name;
      this.time = time;
    }

    TestCase toTestCase(String path) {
      String status =
          outcome == null
              ? TestCase.SUCCEEDED
              : switch (outcome) {
                case "failure" -> TestCase.FAILED;
                case "error" -> TestCase.ERROR;
                default -> TestCase.SKIPPED;
              };
      return new TestCase(
          suite,
          classname,
          name == null ? "" : name,
          status,
          Xml.secondsToNanos(time),
          text(),
          path);
    }

    /** As {@link Xml#failureText}: the message, and the body unless it repeats the message. */
    private @Nullable String text() {
      if (outcome == null) {
        return null;
      }
      String b = body.toString().strip();
      String m =
          message == null || message.length() <= MAX_TEXT
              ? message
              : message.substring(0, MAX_TEXT);
      if (m == null || m.isBlank()) {
        return b.isEmpty() ? null : b;
      }
      if (b.isEmpty()) {
        return m;
      }
      return b.contains(m) ? b : m + "\n" + b;
    }
  }

  private static @Nullable String attr(XMLStreamReader r, String name) {
    for (int i = 0; i < r.getAttributeCount(); i++) {
      if (local(r.getAttributeLocalName(i)).equals(name)) {
        return r.getAttributeValue(i);
      }
    }
    return null;
  }

  private static String local(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(colon + 1);
  }
}
