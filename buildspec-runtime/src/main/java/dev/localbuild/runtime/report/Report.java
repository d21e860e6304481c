package dev.localbuild.runtime.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One report a build made for a report group: CodeBuild's {@code Report} with its test cases or
 * file coverage (what {@code DescribeTestCases} and {@code DescribeCodeCoverages} return).
 *
 * @param arn {@code <report group ARN>:<uuid>}
 * @param reportGroupArn the group
 * @param name the group's name as the buildspec wrote it
 * @param type {@code TEST} or {@code CODE_COVERAGE}
 * @param fileFormat e.g. {@code JUNITXML}
 * @param status {@code SUCCEEDED}; {@code FAILED} when a test failed or errored; {@code INCOMPLETE}
 *     when a report file could not be read
 * @param executionId the build's ARN
 * @param created when it was made
 * @param testSummary for test reports
 * @param codeCoverageSummary for coverage reports
 * @param testCases the test results
 * @param codeCoverages the per-file coverage
 * @param files the report files read
 * @param problems files that could not be read, with why
 */
public record Report(
    String arn,
    String reportGroupArn,
    String name,
    String type,
    String fileFormat,
    String status,
    String executionId,
    Instant created,
    @Nullable TestSummary testSummary,
    @Nullable CoverageSummary codeCoverageSummary,
    List<TestCase> testCases,
    List<FileCoverage> codeCoverages,
    List<String> files,
    List<String> problems) {
  public Report {
    testCases = List.copyOf(testCases);
    codeCoverages = List.copyOf(codeCoverages);
    files = List.copyOf(files);
    problems = List.copyOf(problems);
  }

  /** Counts by status and total duration, as CodeBuild's {@code TestReportSummary}. */
  public record TestSummary(
      int total, Map<String, Integer> statusCounts, long durationInNanoSeconds) {}

  /** Totals over all files, as CodeBuild's {@code CodeCoverageReportSummary}. */
  public record CoverageSummary(
      double lineCoveragePercentage,
      long linesCovered,
      long linesMissed,
      double branchCoveragePercentage,
      long branchesCovered,
      long branchesMissed) {}
}
