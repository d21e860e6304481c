package dev.localbuild.runtime.report;

import dev.localbuild.buildspec.ReportFormat;
import dev.localbuild.buildspec.ReportGroupSpec;
import dev.localbuild.runtime.artifact.FileSelector;
import dev.localbuild.runtime.sandbox.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Collects one report group: finds its files, reads them in the group's format and sums them up. A
 * file that cannot be read makes the report INCOMPLETE; it does not fail the build (reports never
 * change a build's status in CodeBuild).
 */
public final class ReportCollector {
  /** Largest report file read; bigger ones are listed as problems. */
  static final long MAX_REPORT_FILE = 16L * 1024 * 1024;

  /**
   * JUnit XML, the format of the largest reports, is read as a stream: its files may be larger, as
   * their size costs no memory.
   */
  static final long MAX_STREAMED_REPORT_FILE = 1024L * 1024 * 1024;

  /** The most test cases a report keeps: each is held until the report is written. */
  static final int MAX_TEST_CASES = 100_000;

  private final Workspace workspace;
  private final FileSelector selector;
  private final String sourceDir;
  private final Consumer<String> log;

  public ReportCollector(Workspace workspace, String sourceDir, Consumer<String> log) {
    this.workspace = workspace;
    this.selector = new FileSelector(workspace);
    this.sourceDir = sourceDir;
    this.log = log;
  }

  /**
   * @param spec the report group as the buildspec wrote it
   * @param groupName the group's name after variable expansion
   * @param groupArn the group's ARN
   * @param executionId the build ARN
   * @return the report; its {@code files()} is empty when nothing matched
   */
  public Report collect(ReportGroupSpec spec, String groupName, String groupArn, String executionId)
      throws IOException {
    String baseText = spec.baseDirectory() == null ? "." : spec.baseDirectory();
    log.accept("Expanding base directory path: " + baseText);
    log.accept("Assembling file list");
    List<String> files = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<TestCase> cases = new ArrayList<>();
    List<FileCoverage> coverage = new ArrayList<>();
    for (String base : selector.baseDirectories(sourceDir, spec.baseDirectory())) {
      log.accept("Expanding file paths for base directory " + baseText);
      selector.select(
          base,
          spec.files(),
          List.of(),
          p -> log.accept("Expanding " + p),
          (rel, abs, e, in) -> {
            String path = spec.discardPaths() ? rel.substring(rel.lastIndexOf('/') + 1) : rel;
            if (spec.format() == ReportFormat.JUNITXML
                && e.type() != dev.localbuild.runtime.sandbox.WorkspaceEntry.Type.SYMLINK) {
              if (e.size() > MAX_STREAMED_REPORT_FILE) {
                problems.add(rel + ": larger than " + MAX_STREAMED_REPORT_FILE + " bytes");
                return;
              }
              files.add(rel);
              try {
                JunitStream.parse(in, path, tc -> keep(cases, tc, rel, problems));
              } catch (IOException | RuntimeException bad) {
                problems.add(rel + ": " + bad.getMessage());
              }
              return;
            }
            byte[] content;
            if (e.size() > MAX_REPORT_FILE) {
              problems.add(rel + ": larger than " + MAX_REPORT_FILE + " bytes");
              return;
            }
            if (e.type() == dev.localbuild.runtime.sandbox.WorkspaceEntry.Type.SYMLINK) {
              var linked = workspace.read(abs, MAX_REPORT_FILE);
              if (linked.isEmpty()) {
                return;
              }
              content = linked.get();
            } else {
              ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.max(0, e.size()));
              in.transferTo(buf);
              content = buf.toByteArray();
            }
            files.add(rel);
            try {
              ParsedReport parsed = parse(spec.format(), content, path);
              parsed.testCases().forEach(tc -> keep(cases, tc, rel, problems));
              coverage.addAll(parsed.coverage());
            } catch (IOException | RuntimeException bad) {
              problems.add(rel + ": " + bad.getMessage());
            }
          });
    }
    log.accept("Found " + files.size() + " file(s)");
    return summarize(spec, groupName, groupArn, executionId, files, problems, cases, coverage);
  }

  /** Keeps a test case, up to {@link #MAX_TEST_CASES}; says once where the rest were dropped. */
  private static void keep(List<TestCase> cases, TestCase tc, String rel, List<String> problems) {
    if (cases.size() < MAX_TEST_CASES) {
      cases.add(tc);
      if (cases.size() == MAX_TEST_CASES) {
        problems.add(
            rel + ": " + MAX_TEST_CASES + " test cases reached; any more are not reported");
      }
    }
  }

  static ParsedReport parse(ReportFormat format, byte[] content, String path) throws IOException {
    return switch (format) {
      case JUNITXML -> {
        List<TestCase> cases = new ArrayList<>();
        JunitStream.parse(new java.io.ByteArrayInputStream(content), path, cases::add);
        yield ParsedReport.tests(cases);
      }
      case NUNITXML -> ParsedReport.tests(TestReportParsers.nunit(content, path));
      case NUNIT3XML -> ParsedReport.tests(TestReportParsers.nunit3(content, path));
      case TESTNGXML -> ParsedReport.tests(TestReportParsers.testng(content, path));
      case VISUALSTUDIOTRX -> ParsedReport.tests(TestReportParsers.trx(content, path));
      case CUCUMBERJSON -> ParsedReport.tests(TestReportParsers.cucumber(content, path));
      case JACOCOXML -> ParsedReport.coverage(CoverageReportParsers.jacoco(content));
      case COBERTURAXML -> ParsedReport.coverage(CoverageReportParsers.cobertura(content));
      case CLOVERXML -> ParsedReport.coverage(CoverageReportParsers.clover(content));
      case SIMPLECOV -> ParsedReport.coverage(CoverageReportParsers.simplecov(content));
    };
  }

  static Report summarize(
      ReportGroupSpec spec,
      String groupName,
      String groupArn,
      String executionId,
      List<String> files,
      List<String> problems,
      List<TestCase> cases,
      List<FileCoverage> coverage) {
    boolean test = spec.format().kind() == ReportFormat.Kind.TEST;
    Report.TestSummary testSummary = null;
    Report.CoverageSummary coverageSummary = null;
    boolean failed = false;
    if (test) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      long nanos = 0;
      for (TestCase c : cases) {
        counts.merge(c.status(), 1, Integer::sum);
        nanos += c.durationInNanoSeconds();
        failed |= c.status().equals(TestCase.FAILED) || c.status().equals(TestCase.ERROR);
      }
      testSummary = new Report.TestSummary(cases.size(), counts, nanos);
    } else {
      long lc = 0, lm = 0, bc = 0, bm = 0;
      for (FileCoverage f : coverage) {
        lc += f.linesCovered();
        lm += f.linesMissed();
        bc += f.branchesCovered();
        bm += f.branchesMissed();
      }
      coverageSummary =
          new Report.CoverageSummary(
              FileCoverage.percent(lc, lm), lc, lm, FileCoverage.percent(bc, bm), bc, bm);
    }
    String status = !problems.isEmpty() ? "INCOMPLETE" : failed ? "FAILED" : "SUCCEEDED";
    return new Report(
        groupArn + ":" + UUID.randomUUID(),
        groupArn,
        groupName,
        test ? "TEST" : "CODE_COVERAGE",
        spec.format().name(),
        status,
        executionId,
        Instant.now(),
        testSummary,
        coverageSummary,
        cases,
        coverage,
        files,
        problems);
  }
}
