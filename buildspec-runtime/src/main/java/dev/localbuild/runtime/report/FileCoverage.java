package dev.localbuild.runtime.report;

/**
 * Coverage of one source file, as CodeBuild's {@code DescribeCodeCoverages} shows it.
 *
 * @param filePath the source file
 * @param linesCovered lines run
 * @param linesMissed lines not run
 * @param branchesCovered branches taken
 * @param branchesMissed branches not taken
 */
public record FileCoverage(
    String filePath,
    long linesCovered,
    long linesMissed,
    long branchesCovered,
    long branchesMissed) {

  /** Covered lines as a percentage of all lines, 0 when there are none. */
  public double lineCoveragePercentage() {
    return percent(linesCovered, linesMissed);
  }

  /** Covered branches as a percentage of all branches, 0 when there are none. */
  public double branchCoveragePercentage() {
    return percent(branchesCovered, branchesMissed);
  }

  static double percent(long covered, long missed) {
    long total = covered + missed;
    return total == 0 ? 0 : Math.round(covered * 10000.0 / total) / 100.0;
  }
}
