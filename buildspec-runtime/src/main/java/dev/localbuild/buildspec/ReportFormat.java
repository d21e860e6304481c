package dev.localbuild.buildspec;

import java.util.Arrays;
import java.util.Optional;

/** The {@code file-format} of a report group; test formats first, then code coverage formats. */
public enum ReportFormat {
  CUCUMBERJSON(Kind.TEST),
  JUNITXML(Kind.TEST),
  NUNITXML(Kind.TEST),
  NUNIT3XML(Kind.TEST),
  TESTNGXML(Kind.TEST),
  VISUALSTUDIOTRX(Kind.TEST),
  CLOVERXML(Kind.CODE_COVERAGE),
  COBERTURAXML(Kind.CODE_COVERAGE),
  JACOCOXML(Kind.CODE_COVERAGE),
  SIMPLECOV(Kind.CODE_COVERAGE);

  /** CodeBuild's report type: test results or code coverage. */
  public enum Kind {
    TEST,
    CODE_COVERAGE
  }

  private final Kind kind;

  ReportFormat(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Case-insensitive lookup, as CodeBuild accepts {@code JunitXml} and {@code junitxml}. */
  public static Optional<ReportFormat> parse(String text) {
    return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(text.trim())).findFirst();
  }
}
