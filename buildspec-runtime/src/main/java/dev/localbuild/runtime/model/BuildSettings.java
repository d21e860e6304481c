package dev.localbuild.runtime.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The project settings a CodeBuild build record repeats: the role it ran as, the key its artifacts
 * were encrypted with, its cache.
 *
 * @param serviceRole the service role's ARN, null when the build had none (no project)
 * @param encryptionKey the KMS key's ARN or alias
 * @param cache the cache
 */
public record BuildSettings(@Nullable String serviceRole, String encryptionKey, Cache cache) {
  /** No project: no role, CodeBuild's default key, no cache. */
  public static final BuildSettings NONE =
      new BuildSettings(null, "alias/aws/s3", new Cache("NO_CACHE", null, List.of()));

  /**
   * A build's cache, in ProjectCache's terms.
   *
   * @param type {@code NO_CACHE}, {@code LOCAL} or {@code S3}
   * @param location the S3 bucket and prefix, for S3
   * @param modes the LOCAL modes
   */
  public record Cache(String type, @Nullable String location, List<String> modes) {
    public Cache {
      modes = List.copyOf(modes);
    }
  }
}
