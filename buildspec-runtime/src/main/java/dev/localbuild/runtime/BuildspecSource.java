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
 * @param content the file's text once {@link #read()} has read it: every later use sees that text,
 *     so a file that changes (or is swapped for a link) after the checks is never read again
 */
public record BuildspecSource(
    @Nullable Path file,
    @Nullable String inline,
    @Nullable String pathInSource,
    @Nullable String content) {
  /** CodeBuild's location for a buildspec that is not a file of the source. */
  public static final String READONLY_LOCATION = "/codebuild/readonly/buildspec.yml";

  public static BuildspecSource file(Path file, @Nullable String pathInSource) {
    return new BuildspecSource(file, null, pathInSource, null);
  }

  public static BuildspecSource inline(String text) {
    return new BuildspecSource(null, text, null, null);
  }

  /**
   * Parses the buildspec.
   *
   * @throws BuildspecException what CodeBuild would report as YAML_FILE_ERROR
   */
  public Buildspec parse() {
    return file != null
        ? BuildspecParser.parse(text(), file.toString())
        : BuildspecParser.parse(inline, "inline buildspec");
  }

  /**
   * This source with the file read now, once, with its checks; unchanged when it cannot be read
   * (the build's DOWNLOAD_SOURCE then reports why, as CodeBuild's YAML_FILE_ERROR).
   */
  public BuildspecSource read() {
    if (file == null || content != null) {
      return this;
    }
    try {
      return new BuildspecSource(file, null, pathInSource, BuildspecFile.read(file, sourceRoot()));
    } catch (dev.localbuild.buildspec.parse.BuildspecException e) {
      return this;
    }
  }

  /**
   * The buildspec's text, read as {@link #parse} reads it (a file of the source must stay inside
   * it, be a regular file and be no larger than {@link BuildspecFile#MAX_BYTES}).
   *
   * @throws BuildspecException when it cannot be read
   */
  public String text() {
    if (file == null) {
      return inline;
    }
    return content != null ? content : BuildspecFile.read(file, sourceRoot());
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
