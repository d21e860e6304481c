package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.parse.BuildspecException;
import dev.localbuild.buildspec.parse.BuildspecParser;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where a build's buildspec comes from: a file on this machine, or inline text (a project's {@code
 * buildspec} field holding YAML).
 *
 * @param file the file, or null for inline text
 * @param inline the text, or null for a file
 * @param pathInSource the file's path relative to the source directory when it lies inside it
 *     (CodeBuild logs its location inside the build), else null
 */
public record BuildspecSource(
    @Nullable Path file, @Nullable String inline, @Nullable String pathInSource) {
  /** CodeBuild's location for a buildspec that is not a file of the source. */
  public static final String READONLY_LOCATION = "/codebuild/readonly/buildspec.yml";

  public static BuildspecSource file(Path file, @Nullable String pathInSource) {
    return new BuildspecSource(file, null, pathInSource);
  }

  public static BuildspecSource inline(String text) {
    return new BuildspecSource(null, text, null);
  }

  /**
   * Parses the buildspec.
   *
   * @throws BuildspecException what CodeBuild would report as YAML_FILE_ERROR
   */
  public Buildspec parse() {
    return file != null
        ? BuildspecParser.parse(file)
        : BuildspecParser.parse(inline, "inline buildspec");
  }

  /** What the build record's {@code source.buildspec} shows: the path as given, or the text. */
  public String describe() {
    return file != null ? (pathInSource != null ? pathInSource : file.toString()) : inline;
  }
}
