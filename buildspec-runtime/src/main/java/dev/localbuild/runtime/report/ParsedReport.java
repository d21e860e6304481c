package dev.localbuild.runtime.report;

import java.util.List;

/** What one report file held: test cases, or file coverage, or (rarely) both empty. */
public record ParsedReport(List<TestCase> testCases, List<FileCoverage> coverage) {
  public ParsedReport {
    testCases = List.copyOf(testCases);
    coverage = List.copyOf(coverage);
  }

  static ParsedReport tests(List<TestCase> cases) {
    return new ParsedReport(cases, List.of());
  }

  static ParsedReport coverage(List<FileCoverage> files) {
    return new ParsedReport(List.of(), files);
  }
}
