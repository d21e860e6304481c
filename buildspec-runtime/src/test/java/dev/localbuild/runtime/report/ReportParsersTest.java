package dev.localbuild.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.localbuild.buildspec.ReportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportParsersTest {
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = ReportParsersTest.class.getResourceAsStream("/reports/" + name)) {
      return in.readAllBytes();
    }
  }

  static List<TestCase> tests(ReportFormat f, String name) throws IOException {
    return ReportCollector.parse(f, fixture(name), name).testCases();
  }

  static List<String> statuses(List<TestCase> cases) {
    return cases.stream().map(c -> c.name() + "=" + c.status()).toList();
  }

  @Test
  void junitSurefire() throws IOException {
    List<TestCase> c = tests(ReportFormat.JUNITXML, "junit-surefire.xml");
    assertThat(statuses(c))
        .containsExactly("adds=SUCCEEDED", "divides=FAILED", "overflows=ERROR", "later=SKIPPED");
    assertThat(c.get(1).prefix()).isEqualTo("com.example.CalculatorTest");
    assertThat(c.get(1).testSuiteName()).isEqualTo("com.example.CalculatorTest");
    assertThat(c.get(1).durationInNanoSeconds()).isEqualTo(20_000_000L);
    assertThat(c.get(1).message())
        .startsWith("org.opentest4j.AssertionFailedError: expected: <2> but was: <3>")
        .contains("CalculatorTest.java:21");
  }

  @Test
  void junitPytestInTestsuites() throws IOException {
    assertThat(statuses(tests(ReportFormat.JUNITXML, "junit-pytest.xml")))
        .containsExactly("test_ok=SUCCEEDED", "test_bad=FAILED");
  }

  @Test
  void nunit2And3() throws IOException {
    assertThat(statuses(tests(ReportFormat.NUNITXML, "nunit2.xml")))
        .containsExactly("Calc.Adds=SUCCEEDED", "Calc.Divides=FAILED", "Calc.Later=SKIPPED");
    List<TestCase> v3 = tests(ReportFormat.NUNIT3XML, "nunit3.xml");
    assertThat(statuses(v3)).containsExactly("Adds=SUCCEEDED", "Divides=FAILED", "Later=SKIPPED");
    assertThat(v3.get(1).message()).isEqualTo("Expected: 2 But was: 3");
    assertThat(v3.get(1).testSuiteName()).isEqualTo("CalcTests");
  }

  @Test
  void testngSkipsConfigurationMethods() throws IOException {
    List<TestCase> c = tests(ReportFormat.TESTNGXML, "testng-results.xml");
    assertThat(statuses(c)).containsExactly("adds=SUCCEEDED", "divides=FAILED", "later=SKIPPED");
    assertThat(c.get(1).message())
        .isEqualTo("java.lang.AssertionError: expected [2] but found [3]");
  }

  @Test
  void visualStudioTrx() throws IOException {
    List<TestCase> c = tests(ReportFormat.VISUALSTUDIOTRX, "results.trx");
    assertThat(statuses(c)).containsExactly("Adds=SUCCEEDED", "Divides=FAILED", "Later=SKIPPED");
    assertThat(c.get(1).durationInNanoSeconds()).isEqualTo(1_500_000_000L);
  }

  @Test
  void cucumberScenariosTakeTheirWorstStep() throws IOException {
    List<TestCase> c = tests(ReportFormat.CUCUMBERJSON, "cucumber.json");
    assertThat(statuses(c))
        .containsExactly("good password=SUCCEEDED", "bad password=FAILED", "locked=SKIPPED");
    assertThat(c.get(1).message()).isEqualTo("expected error page");
  }

  @Test
  void coverageFormats() throws IOException {
    List<FileCoverage> jacoco =
        ReportCollector.parse(ReportFormat.JACOCOXML, fixture("jacoco.xml"), "j").coverage();
    assertThat(jacoco)
        .containsExactly(
            new FileCoverage("com/example/Calc.java", 9, 1, 3, 1),
            new FileCoverage("com/example/Util.java", 5, 5, 0, 0));
    assertThat(jacoco.getFirst().lineCoveragePercentage()).isEqualTo(90.0);
    assertThat(
            ReportCollector.parse(ReportFormat.COBERTURAXML, fixture("cobertura.xml"), "c")
                .coverage())
        .containsExactly(new FileCoverage("app/calc.py", 3, 1, 1, 1));
    assertThat(ReportCollector.parse(ReportFormat.CLOVERXML, fixture("clover.xml"), "c").coverage())
        .containsExactly(new FileCoverage("/src/calc.js", 8, 2, 2, 2));
    assertThat(
            ReportCollector.parse(ReportFormat.SIMPLECOV, fixture(".resultset.json"), "s")
                .coverage())
        .containsExactly(new FileCoverage("/app/lib/calc.rb", 2, 1, 0, 0));
  }

  @Test
  void externalEntitiesAreRefused() {
    assertThatThrownBy(() -> tests(ReportFormat.JUNITXML, "evil-xxe.xml"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void summaryCountsStatusesAndFailsTheReportOnAFailedTest() throws IOException {
    var spec =
        new dev.localbuild.buildspec.ReportGroupSpec(
            "unit", List.of("*.xml"), null, false, ReportFormat.JUNITXML, 1);
    Report r =
        ReportCollector.summarize(
            spec,
            "unit",
            "arn:g",
            "arn:b",
            List.of("a.xml"),
            List.of(),
            tests(ReportFormat.JUNITXML, "junit-surefire.xml"),
            List.of());
    assertThat(r.status()).isEqualTo("FAILED");
    assertThat(r.testSummary().total()).isEqualTo(4);
    assertThat(r.testSummary().statusCounts())
        .containsEntry("SUCCEEDED", 1)
        .containsEntry("FAILED", 1)
        .containsEntry("ERROR", 1)
        .containsEntry("SKIPPED", 1);
    assertThat(r.arn()).startsWith("arn:g:");
  }
}
