package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.parse.BuildspecException;
import dev.localbuild.buildspec.parse.BuildspecFile;
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
        ? BuildspecParser.parse(BuildspecFile.read(file, sourceRoot()), file.toString())
        : BuildspecParser.parse(inline, "inline buildspec");
  }

  /**
   * The buildspec's text, read as {@link #parse} reads it (a file of the source must stay inside
   * it, be a regular file and be no larger than {@link BuildspecFile#MAX_BYTES}).
   *
   * @throws BuildspecException when it cannot be read
   */
  public String text() {
    return file != null ? BuildspecFile.read(file, sourceRoot()) : inline;
  }

  /** The source directory a buildspec of the source must stay in; null for one given apart. */
  private @Nullable Path sourceRoot() {
    if (file == null || pathInSource == null) {
      return null;
    }
    int depth = Path.of(pathInSource).getNameCount();
    return file.getNameCount() > depth
        ? file.getRoot().resolve(file.subpath(0, file.getNameCount() - depth))
        : file.getRoot();
  }

  /** What the build record's {@code source.buildspec} shows: the path as given, or the text. */
  public String describe() {
    return file != null ? (pathInSource != null ? pathInSource : file.toString()) : inline;
  }
}
