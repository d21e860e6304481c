package dev.localbuild.agent.cli;

import dev.localbuild.agent.build.BuildOutputs;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.report.Report;
import dev.localbuild.runtime.report.TestCase;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a person wants after a build, on stderr (stdout is the build log): the result, why it
 * failed, where the artifacts and reports are, and every failing test.
 */
final class RunSummary {
  private static final int MAX_FAILURES_SHOWN = 20;
  private final PrintStream out;

  RunSummary(PrintStream out) {
    this.out = out;
  }

  void print(BuildRecord r, BuildOutputs outputs, Path recordFile) {
    Duration took =
        r.endTime() == null ? Duration.ZERO : Duration.between(r.startTime(), r.endTime());
    out.println();
    out.printf(
        "localbuild: %s %s in %s (build #%d)%n",
        r.id(), r.buildStatus(), human(took), r.buildNumber());
    for (PhaseRecord p : r.phases()) {
      if (p.status() != null
          && p.status() != StatusType.SUCCEEDED
          && p.status() != StatusType.IN_PROGRESS) {
        String message =
            p.contexts().isEmpty()
                ? ""
                : p.contexts().getFirst().statusCode() + ": " + p.contexts().getFirst().message();
        out.printf("  %s %s %s%n", p.type(), p.status(), message);
      }
    }
    if (r.artifacts() != null) {
      out.println("  artifacts: " + where(r.artifacts().location(), outputs, "artifacts"));
    }
    r.secondaryArtifacts()
        .forEach(a ->
            out.println(
                "  artifacts "
                    + a.artifactIdentifier()
                    + ": "
                    + where(a.location(), outputs, a.artifactIdentifier())));
    for (Report rep : outputs.reports().reports()) {
      reportLine(rep);
    }
    if (!r.exportedEnvironmentVariables().isEmpty()) {
      r.exportedEnvironmentVariables()
          .forEach(v -> out.println("  exported " + v.name() + "=" + v.value()));
    }
    if (outputs.watch().layerCacheSummary() != null) {
      out.println("  " + outputs.watch().layerCacheSummary());
    }
    if (outputs.watch().rateLimitHint() != null) {
      out.println("  " + outputs.watch().rateLimitHint());
    }
    if (outputs.watch().unreachableHint() != null) {
      out.println("  " + outputs.watch().unreachableHint());
    }
    out.println("  record: " + recordFile);
    next(r).ifPresent(n -> out.println("  next: " + n));
  }

  /**
   * What to do after a failed build, where there is one obvious next step: a newcomer's first red
   * build should say what to try, not only what went wrong.
   */
  static java.util.Optional<String> next(BuildRecord r) {
    String build = r.projectName() + ":" + r.buildNumber();
    for (PhaseRecord p : r.phases()) {
      if (p.status() == null
          || p.status() == StatusType.SUCCEEDED
          || p.status() == StatusType.IN_PROGRESS
          || p.contexts().isEmpty()) {
        continue;
      }
      var c = p.contexts().getFirst();
      if ("YAML file does not exist".equals(c.message())) {
        return java.util.Optional.of(
            "write a buildspec.yml in "
                + r.source().location()
                + " (samples/hello-world/buildspec.yml is the smallest), or name one with -b FILE"
                + " or the source directory with -s DIR");
      }
      if (c.statusCode()
          .equals(dev.localbuild.runtime.model.PhaseContext.COMMAND_EXECUTION_ERROR)) {
        return java.util.Optional.of(
            "the failing command's output is in the log above (localbuild logs "
                + build
                + " prints it again); after a fix, localbuild rerun "
                + build
                + " runs the same build again");
      }
      if (c.statusCode().equals("YAML_FILE_ERROR")) {
        return java.util.Optional.of(
            "fix the buildspec where the message says; the buildspec reference is"
                + " https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html");
      }
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }

  private void reportLine(Report rep) {
    if (rep.testSummary() != null) {
      var counts = rep.testSummary().statusCounts();
      out.printf(
          "  report %s: %d tests, %d passed, %d failed, %d skipped (%s)%n",
          rep.name(),
          rep.testSummary().total(),
          counts.getOrDefault(TestCase.SUCCEEDED, 0),
          counts.getOrDefault(TestCase.FAILED, 0) + counts.getOrDefault(TestCase.ERROR, 0),
          counts.getOrDefault(TestCase.SKIPPED, 0),
          rep.status());
      int shown = 0;
      for (TestCase c : rep.testCases()) {
        if (c.status().equals(TestCase.FAILED) || c.status().equals(TestCase.ERROR)) {
          if (shown++ == MAX_FAILURES_SHOWN) {
            out.println("    ...");
            break;
          }
          String message = c.message() == null ? "" : " - " + headline(c.message());
          out.printf(
              "    %s %s%s%s%n",
              c.status(), c.prefix() == null ? "" : c.prefix() + ".", c.name(), message);
        }
      }
    } else if (rep.codeCoverageSummary() != null) {
      out.printf(
          "  report %s: line coverage %.2f%%, branch coverage %.2f%%%n",
          rep.name(),
          rep.codeCoverageSummary().lineCoveragePercentage(),
          rep.codeCoverageSummary().branchCoveragePercentage());
    }
    rep.problems().forEach(p -> out.println("    unreadable: " + p));
  }

  /**
   * The line of a failing test's message that says what failed: the first that is neither a stack
   * frame (indented) nor Python's "Traceback (most recent call last):", whose assertion comes after
   * the frames.
   */
  static String headline(String message) {
    return message
        .lines()
        .filter(l -> !l.isBlank())
        .filter(l -> !Character.isWhitespace(l.charAt(0)))
        .filter(l -> !l.startsWith("Traceback (most recent call last)"))
        .findFirst()
        .orElse(message.strip().lines().findFirst().orElse(""))
        .strip();
  }

  /** A local artifact's path; an S3 one's ARN and the copy kept here. */
  private static String where(String location, BuildOutputs outputs, String name) {
    if (location.startsWith("file:")) {
      return Path.of(java.net.URI.create(location)).toString();
    }
    return location + " (and " + outputs.artifactsDir().resolve(name + ".zip") + ")";
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return String.format("%.1fs", d.toMillis() / 1000.0);
    }
    return s / 60 + "m" + String.format("%02d", s % 60) + "s";
  }
}
