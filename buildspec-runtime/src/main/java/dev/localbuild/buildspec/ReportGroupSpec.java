package dev.localbuild.buildspec;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the buildspec's {@code reports} section.
 *
 * @param name the key: a report group name (CodeBuild creates {@code <project>-<name>}), an ARN, or
 *     an environment variable reference resolved at build time
 * @param files globs relative to the build directory or {@code baseDirectory}
 * @param baseDirectory where {@code files} are resolved from; null means the source directory
 * @param discardPaths whether directory structure is flattened
 * @param format the report file format (default {@code JUNITXML})
 * @param line the 1-based line of the report group's key
 */
public record ReportGroupSpec(
    String name,
    List<String> files,
    @Nullable String baseDirectory,
    boolean discardPaths,
    ReportFormat format,
    int line) {
  public ReportGroupSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    files = List.copyOf(files);
  }
}
