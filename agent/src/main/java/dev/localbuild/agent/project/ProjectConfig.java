package dev.localbuild.agent.project;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A CodeBuild project, as {@code CreateProject} takes it or {@code batch-get-projects} returns it:
 * the parts a local build uses.
 *
 * @param name the project name
 * @param source the primary source
 * @param secondarySources other sources
 * @param sourceVersion the version to build (branch, tag, commit)
 * @param secondarySourceVersions versions of secondary sources by identifier
 * @param environment the build environment
 * @param cache the project cache
 * @param timeoutInMinutes the build timeout, null for CodeBuild's default
 * @param artifacts the primary artifact's destination
 * @param secondaryArtifacts secondary artifacts' destinations
 * @param localbuild settings only localbuild knows (the {@code x-localbuild} key)
 * @param serviceRole the role builds act as ({@code serviceRole}: a name or an IAM role ARN), null
 *     for localbuild's default role
 * @param encryptionKey the KMS key for its artifacts ({@code encryptionKey}), null for CodeBuild's
 *     default; recorded, not applied (the local S3 does not encrypt)
 */
public record ProjectConfig(
    String name,
    @Nullable Source source,
    List<Source> secondarySources,
    @Nullable String sourceVersion,
    Map<String, String> secondarySourceVersions,
    Environment environment,
    Cache cache,
    @Nullable Integer timeoutInMinutes,
    @Nullable Artifacts artifacts,
    List<Artifacts> secondaryArtifacts,
    Extensions localbuild,
    @Nullable String serviceRole,
    @Nullable String encryptionKey,
    @Nullable BatchConfig buildBatchConfig) {

  /**
   * {@code buildBatchConfig}: how the project's batch builds run.
   *
   * @param combineArtifacts the batch's artifacts in one location (COMBINE_ARTIFACTS)
   * @param timeoutInMins the batch's own timeout, null for none
   * @param maximumBuildsAllowed the most builds a batch may have, null for no limit
   * @param computeTypesAllowed the compute types a batch's builds may ask for, empty for any
   */
  public record BatchConfig(
      boolean combineArtifacts,
      @Nullable Integer timeoutInMins,
      @Nullable Integer maximumBuildsAllowed,
      List<String> computeTypesAllowed) {
    public BatchConfig {
      computeTypesAllowed = List.copyOf(computeTypesAllowed);
    }
  }

  /** The buckets the project's S3 cache and S3 artifacts name. */
  public java.util.Set<String> s3Buckets() {
    java.util.Set<String> buckets = new java.util.TreeSet<>();
    if ("S3".equals(cache.type()) && cache.location() != null) {
      buckets.add(cache.location().split("/", 2)[0]);
    }
    java.util.stream.Stream.concat(
            java.util.stream.Stream.ofNullable(artifacts), secondaryArtifacts.stream())
        .filter(a -> "S3".equals(a.type()) && a.location() != null)
        .forEach(a -> buckets.add(a.location().split("/", 2)[0]));
    return buckets;
  }

  /**
   * A source: {@code type} GITHUB, CODECOMMIT, BITBUCKET, GITLAB, S3, NO_SOURCE...
   *
   * @param buildspec a path relative to the source, or inline YAML
   */
  public record Source(
      String type,
      @Nullable String location,
      @Nullable String buildspec,
      int gitCloneDepth,
      @Nullable String sourceIdentifier) {
    /** Whether the source is a git repository CodeBuild would clone. */
    public boolean isGit() {
      return switch (type) {
        case "GITHUB",
            "GITHUB_ENTERPRISE",
            "CODECOMMIT",
            "BITBUCKET",
            "GITLAB",
            "GITLAB_SELF_MANAGED" ->
            true;
        default -> false;
      };
    }
  }

  /**
   * A project environment variable with its {@code type}: PLAINTEXT, PARAMETER_STORE,
   * SECRETS_MANAGER.
   */
  public record Variable(String name, String value, String type) {}

  /** The build environment. */
  public record Environment(
      @Nullable String image,
      String computeType,
      boolean privilegedMode,
      List<Variable> environmentVariables) {}

  /**
   * {@code cache}: {@code type} NO_CACHE, LOCAL (with {@code modes}) or S3 (with {@code location},
   * {@code bucket[/prefix]}, and {@code cacheNamespace}, which shares keyed caches across
   * projects).
   */
  public record Cache(
      String type, @Nullable String location, List<String> modes, @Nullable String namespace) {
    public static final Cache NONE = new Cache("NO_CACHE", null, List.of(), null);

    public boolean has(String mode) {
      return "LOCAL".equals(type) && modes.contains(mode);
    }
  }

  /** An artifact destination. */
  public record Artifacts(
      String type,
      @Nullable String location,
      @Nullable String path,
      @Nullable String namespaceType,
      @Nullable String name,
      @Nullable String packaging,
      boolean overrideArtifactName,
      @Nullable String artifactIdentifier) {}

  /**
   * localbuild's own project settings.
   *
   * @param cacheFrom images pulled into the build's Docker daemon before BUILD, for {@code
   *     --cache-from}
   * @param registryMirror a registry mirror for the build's Docker daemon
   * @param registryCredentials registries the build's daemon logs in to before INSTALL
   * @param dockerLayerCacheLimitBytes total size of LOCAL_DOCKER_LAYER_CACHE volumes on this host
   */
  public record Extensions(
      List<String> cacheFrom,
      @Nullable String registryMirror,
      List<RegistryCredential> registryCredentials,
      long dockerLayerCacheLimitBytes) {
    public static final long DEFAULT_LAYER_CACHE_LIMIT = 20L * 1024 * 1024 * 1024;
    public static final Extensions NONE =
        new Extensions(List.of(), null, List.of(), DEFAULT_LAYER_CACHE_LIMIT);
  }

  /**
   * A registry login: the user name and password come from the build's variables (plain, parameter
   * store or secrets manager), never from the project file itself.
   */
  public record RegistryCredential(
      String registry, String usernameVariable, String passwordVariable) {}
}
