package dev.localbuild.runtime.report;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One test result, as CodeBuild's {@code DescribeTestCases} shows it.
 *
 * @param testSuiteName the suite (JUnit {@code testsuite name})
 * @param prefix the class or fixture ({@code classname})
 * @param name the test
 * @param status {@code SUCCEEDED}, {@code FAILED}, {@code ERROR}, {@code SKIPPED} or {@code
 *     UNKNOWN}
 * @param durationInNanoSeconds how long it ran
 * @param message the failure message and details, for failed tests
 * @param testRawDataPath the report file it came from
 */
public record TestCase(
    @Nullable String testSuiteName,
    @Nullable String prefix,
    String name,
    String status,
    long durationInNanoSeconds,
    @Nullable String message,
    String testRawDataPath) {
  public TestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
  }

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String ERROR = "ERROR";
  public static final String SKIPPED = "SKIPPED";
  public static final String UNKNOWN = "UNKNOWN";
}
