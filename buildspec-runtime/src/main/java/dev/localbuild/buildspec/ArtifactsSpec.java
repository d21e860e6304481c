package dev.localbuild.buildspec;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The buildspec's {@code artifacts} section, or one of its {@code secondary-artifacts}.
 *
 * @param files globs relative to the source directory or {@code baseDirectory}
 * @param name the artifact name, evaluated with shell syntax at build time
 * @param baseDirectory one directory (or glob) whose contents are the artifact
 * @param discardPaths whether the directory structure is flattened
 * @param excludePaths globs relative to the base directory that are left out
 * @param enableSymlinks whether symlinks are kept as links in the zip
 * @param s3Prefix the S3 key prefix when uploading to S3
 * @param secondary {@code secondary-artifacts}, by artifact identifier
 */
public record ArtifactsSpec(
    List<String> files,
    @Nullable String name,
    @Nullable String baseDirectory,
    boolean discardPaths,
    List<String> excludePaths,
    boolean enableSymlinks,
    @Nullable String s3Prefix,
    Map<String, ArtifactsSpec> secondary) {
  public ArtifactsSpec {
    files = List.copyOf(files);
    excludePaths = List.copyOf(excludePaths);
    secondary = EnvSpec.ordered(secondary);
  }

  /** Artifacts made of these globs, every other setting at its default. */
  public static ArtifactsSpec ofFiles(String... files) {
    return new ArtifactsSpec(List.of(files), null, null, false, List.of(), false, null, Map.of());
  }
}
