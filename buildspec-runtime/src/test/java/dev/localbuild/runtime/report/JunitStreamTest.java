package dev.localbuild.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** JUnit XML read as a stream: memory for one test case, whatever the file's size. */
class JunitStreamTest {
  /** A report made as it is read: never held whole, as a 38 MB Surefire file must not be. */
  static InputStream generated(int cases, String failureBody) {
    var parts =
        new Enumeration<InputStream>() {
          int i = -1;

          @Override
          public boolean hasMoreElements() {
            return i <= cases;
          }

          @Override
          public InputStream nextElement() {
            String s;
            if (i < 0) {
              s = "<?xml version=\"1.0\"?><testsuites><testsuite name=\"big\">";
            } else if (i == cases) {
              s = "</testsuite></testsuites>";
            } else if (i % 2 == 0) {
              s = "<testcase classname=\"c\" name=\"t" + i + "\" time=\"0.001\"/>";
            } else {
              s =
                  "<testcase classname=\"c\" name=\"t"
                      + i
                      + "\"><failure message=\"boom\">"
                      + failureBody
                      + "</failure></testcase>";
            }
            i++;
            return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
          }
        };
    return new SequenceInputStream(parts);
  }

  @Test
  void aLargeReportIsReadCaseByCase() throws IOException {
    AtomicLong failed = new AtomicLong();
    AtomicLong all = new AtomicLong();
    // about 60 MB of XML with 2 KB stack traces
    JunitStream.parse(
        generated(50_000, "at x.Y.z(Y.java:1)\n".repeat(110)),
        "big.xml",
        tc -> {
          all.incrementAndGet();
          if (tc.status().equals(TestCase.FAILED)) {
            failed.incrementAndGet();
            assertThat(tc.message()).startsWith("boom\nat x.Y.z");
            assertThat(tc.testSuiteName()).isEqualTo("big");
          }
        });
    assertThat(all).hasValue(50_000);
    assertThat(failed).hasValue(25_000);
  }

  @Test
  void aHugeFailureTextIsCut() throws IOException {
    List<TestCase> out = new ArrayList<>();
    JunitStream.parse(generated(2, "x".repeat(5 * JunitStream.MAX_TEXT)), "f.xml", out::add);
    assertThat(out.get(1).message()).hasSizeLessThanOrEqualTo(JunitStream.MAX_TEXT + 5);
  }

  @Test
  void aDoctypeIsRefused() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<testsuite><testcase name=\"a\"><failure>&x;</failure></testcase></testsuite>";
    assertThatThrownBy(() ->
            JunitStream.parse(
                new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)), "x.xml", tc -> {}))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anotherDocumentIsNotAJunitReport() {
    assertThatThrownBy(() ->
            JunitStream.parse(
                new ByteArrayInputStream("<coverage/>".getBytes(StandardCharsets.UTF_8)),
                "c.xml",
                tc -> {}))
        .hasMessageContaining("not a JUnit XML report");
  }

  /** In a container the report is one entry of a tar stream: reading it must not close the rest. */
  @Test
  void theInputStaysOpenForWhatFollows() throws IOException {
    boolean[] closed = {false};
    InputStream in =
        new java.io.FilterInputStream(
            new ByteArrayInputStream(
                "<testsuite><testcase name=\"a\"/></testsuite>".getBytes(StandardCharsets.UTF_8))) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    JunitStream.parse(in, "a.xml", tc -> {});
    assertThat(closed[0]).isFalse();
  }
}
