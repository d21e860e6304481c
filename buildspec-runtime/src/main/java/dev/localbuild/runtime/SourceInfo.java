package dev.localbuild.runtime;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the agent knows of one source before the build.
 *
 * @param identifier null for the primary source, else the secondary source's identifier
 * @param type {@code LOCAL} for a directory, {@code GITHUB}, {@code CODECOMMIT}, {@code S3}...
 * @param location the directory, or the repository URL
 * @param sourceVersion what was asked to be built (branch, tag, commit, {@code pr/12}); may be null
 * @param resolvedVersion the commit of a git work tree, when known
 * @param repoUrl the clone URL ({@code CODEBUILD_SOURCE_REPO_URL}), when known
 * @param dirty for a git work tree copied as it is: whether it differs from its commit; else null
 */
public record SourceInfo(
    @Nullable String identifier,
    String type,
    String location,
    @Nullable String sourceVersion,
    @Nullable String resolvedVersion,
    @Nullable String repoUrl,
    @Nullable Boolean dirty) {
  public SourceInfo {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(location, "location");
  }

  /** A source that is not a local work tree. */
  public SourceInfo(
      @Nullable String identifier,
      String type,
      String location,
      @Nullable String sourceVersion,
      @Nullable String resolvedVersion,
      @Nullable String repoUrl) {
    this(identifier, type, location, sourceVersion, resolvedVersion, repoUrl, null);
  }
}
