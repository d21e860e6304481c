package dev.localbuild.runtime.report;

import static dev.localbuild.runtime.report.Xml.all;
import static dev.localbuild.runtime.report.Xml.attr;
import static dev.localbuild.runtime.report.Xml.child;
import static dev.localbuild.runtime.report.Xml.children;
import static dev.localbuild.runtime.report.Xml.secondsToNanos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Element;

/** Readers for CodeBuild's test report formats. Each takes the file's bytes and its path. */
final class TestReportParsers {
  private TestReportParsers() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** NUnit 2 XML ({@code test-results}): {@code result} Success, Failure, Error, Ignored... */
  static List<TestCase> nunit(byte[] content, String path) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<TestCase> out = new ArrayList<>();
    for (Element tc : all(root, "test-case")) {
      String result = lower(attr(tc, "result"));
      String executed = lower(attr(tc, "executed"));
      String status =
          switch (result) {
            case "success" -> TestCase.SUCCEEDED;
            case "failure" -> TestCase.FAILED;
            case "error" -> TestCase.ERROR;
            case "ignored", "skipped", "notrunnable", "inconclusive" -> TestCase.SKIPPED;
            default -> "false".equals(executed) ? TestCase.SKIPPED : TestCase.UNKNOWN;
          };
      Element failure = child(tc, "failure");
      Element reason = child(tc, "reason");
      out.add(
          new TestCase(
              suiteOf(tc),
              null,
              nameOf(tc),
              status,
              secondsToNanos(attr(tc, "time")),
              nunitMessage(failure != null ? failure : reason),
              path));
    }
    return out;
  }

  /**
   * NUnit 3 XML ({@code test-run}): {@code result} Passed, Failed, Skipped, Inconclusive, Warning.
   */
  static List<TestCase> nunit3(byte[] content, String path) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<TestCase> out = new ArrayList<>();
    for (Element tc : all(root, "test-case")) {
      String status =
          switch (lower(attr(tc, "result"))) {
            case "passed" -> TestCase.SUCCEEDED;
            case "failed" ->
                "error".equals(lower(attr(tc, "label"))) ? TestCase.ERROR : TestCase.FAILED;
            case "skipped", "inconclusive" -> TestCase.SKIPPED;
            default -> TestCase.UNKNOWN;
          };
      Element failure = child(tc, "failure");
      Element reason = child(tc, "reason");
      out.add(
          new TestCase(
              suiteOf(tc),
              attr(tc, "classname"),
              nameOf(tc),
              status,
              secondsToNanos(attr(tc, "duration")),
              nunitMessage(failure != null ? failure : reason),
              path));
    }
    return out;
  }

  /** TestNG's {@code testng-results.xml}: {@code test-method status} PASS, FAIL, SKIP. */
  static List<TestCase> testng(byte[] content, String path) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<TestCase> out = new ArrayList<>();
    for (Element cls : all(root, "class")) {
      for (Element m : children(cls, "test-method")) {
        if ("true".equals(attr(m, "is-config"))) {
          continue; // @BeforeMethod and friends are not tests
        }
        String status =
            switch (lower(attr(m, "status"))) {
              case "pass" -> TestCase.SUCCEEDED;
              case "fail" -> TestCase.FAILED;
              case "skip" -> TestCase.SKIPPED;
              default -> TestCase.UNKNOWN;
            };
        Element exception = child(m, "exception");
        String message = null;
        if (exception != null) {
          Element msg = child(exception, "message");
          message =
              attr(exception, "class") + (msg == null ? "" : ": " + msg.getTextContent().strip());
        }
        long ms = Xml.longAttr(m, "duration-ms");
        Element test = (Element) cls.getParentNode();
        out.add(
            new TestCase(
                attr(test, "name"),
                attr(cls, "name"),
                nameOf(m),
                status,
                ms * 1_000_000L,
                message,
                path));
      }
    }
    return out;
  }

  /** Visual Studio TRX: {@code UnitTestResult outcome} Passed, Failed, NotExecuted, Error... */
  static List<TestCase> trx(byte[] content, String path) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<TestCase> out = new ArrayList<>();
    for (Element r : all(root, "UnitTestResult")) {
      String status =
          switch (lower(attr(r, "outcome"))) {
            case "passed" -> TestCase.SUCCEEDED;
            case "failed" -> TestCase.FAILED;
            case "error", "timeout", "aborted" -> TestCase.ERROR;
            case "notexecuted", "inconclusive", "pending", "disconnected" -> TestCase.SKIPPED;
            default -> TestCase.UNKNOWN;
          };
      String message = null;
      Element output = child(r, "Output");
      Element info = output == null ? null : child(output, "ErrorInfo");
      if (info != null) {
        Element msg = child(info, "Message");
        Element trace = child(info, "StackTrace");
        message =
            ((msg == null ? "" : msg.getTextContent().strip())
                    + (trace == null ? "" : "\n" + trace.getTextContent().strip()))
                .strip();
      }
      out.add(
          new TestCase(
              null,
              null,
              String.valueOf(attr(r, "testName")),
              status,
              trxDuration(attr(r, "duration")),
              message,
              path));
    }
    return out;
  }

  /** Cucumber JSON: one test case per scenario; the worst step status decides. */
  static List<TestCase> cucumber(byte[] content, String path) throws IOException {
    JsonNode features = JSON.readTree(content);
    List<TestCase> out = new ArrayList<>();
    for (JsonNode feature : features) {
      for (JsonNode scenario : feature.path("elements")) {
        if ("background".equals(scenario.path("type").asText())) {
          continue;
        }
        String status = TestCase.SUCCEEDED;
        long nanos = 0;
        String message = null;
        for (JsonNode step : scenario.path("steps")) {
          JsonNode result = step.path("result");
          nanos += result.path("duration").asLong(0);
          switch (result.path("status").asText("")) {
            case "failed" -> {
              status = TestCase.FAILED;
              message = result.path("error_message").asText(null);
            }
            case "skipped", "pending", "undefined" -> {
              if (status.equals(TestCase.SUCCEEDED)) {
                status = TestCase.SKIPPED;
              }
            }
            default -> {}
          }
        }
        out.add(
            new TestCase(
                feature.path("name").asText(null),
                feature.path("uri").asText(null),
                scenario.path("name").asText(""),
                status,
                nanos,
                message,
                path));
      }
    }
    return out;
  }

  private static String nameOf(Element e) {
    String n = attr(e, "name");
    return n == null ? "" : n;
  }

  private static String suiteOf(Element testCase) {
    org.w3c.dom.Node p = testCase.getParentNode();
    while (p instanceof Element e) {
      if (Xml.local(e).equals("test-suite")) {
        return attr(e, "name");
      }
      p = e.getParentNode();
    }
    return null;
  }

  private static String nunitMessage(Element failureOrReason) {
    if (failureOrReason == null) {
      return null;
    }
    Element msg = child(failureOrReason, "message");
    Element trace = child(failureOrReason, "stack-trace");
    String text =
        ((msg == null ? "" : msg.getTextContent().strip())
                + (trace == null ? "" : "\n" + trace.getTextContent().strip()))
            .strip();
    return text.isEmpty() ? null : text;
  }

  /** TRX durations are {@code hh:mm:ss.fffffff}. */
  static long trxDuration(String d) {
    if (d == null || d.isBlank()) {
      return 0;
    }
    String[] parts = d.trim().split(":");
    if (parts.length != 3) {
      return 0;
    }
    try {
      double seconds =
          Integer.parseInt(parts[0]) * 3600.0
              + Integer.parseInt(parts[1]) * 60.0
              + Double.parseDouble(parts[2]);
      return Math.round(seconds * 1e9);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String lower(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
  }
}
