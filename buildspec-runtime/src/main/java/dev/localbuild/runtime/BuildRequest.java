package dev.localbuild.runtime;

import dev.localbuild.runtime.model.BuildSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a build needs besides its executor: what to build, with what settings.
 *
 * @param projectName the project
 * @param buildspec where the buildspec comes from
 * @param primarySource the primary source
 * @param secondarySources secondary sources
 * @param projectVariables the project's environment variables (PLAINTEXT)
 * @param projectParameters the project's PARAMETER_STORE variables: name to parameter
 * @param projectSecrets the project's SECRETS_MANAGER variables: name to secret reference
 * @param overrides variables from the command line and env file, highest precedence
 * @param timeout the build timeout
 * @param privilegedMode whether the build has its own Docker daemon
 * @param computeType e.g. {@code BUILD_GENERAL1_SMALL}
 * @param batchIdentifier the build's identifier in a batch, or null
 * @param settings the project settings the build's record repeats (role, key, cache)
 */
public record BuildRequest(
    String projectName,
    BuildspecSource buildspec,
    SourceInfo primarySource,
    List<SourceInfo> secondarySources,
    Map<String, String> projectVariables,
    Map<String, String> projectParameters,
    Map<String, String> projectSecrets,
    Map<String, String> overrides,
    Duration timeout,
    boolean privilegedMode,
    String computeType,
    @Nullable String batchIdentifier,
    BuildSettings settings) {
  public BuildRequest {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(buildspec, "buildspec");
    Objects.requireNonNull(primarySource, "primarySource");
    Objects.requireNonNull(timeout, "timeout");
    secondarySources = List.copyOf(secondarySources);
    projectVariables = Map.copyOf(projectVariables);
    projectParameters = Map.copyOf(projectParameters);
    projectSecrets = Map.copyOf(projectSecrets);
    overrides = Map.copyOf(overrides);
    Objects.requireNonNull(settings, "settings");
  }

  /** A request with no project settings to repeat ({@link BuildSettings#NONE}). */
  public BuildRequest(
      String projectName,
      BuildspecSource buildspec,
      SourceInfo primarySource,
      List<SourceInfo> secondarySources,
      Map<String, String> projectVariables,
      Map<String, String> projectParameters,
      Map<String, String> projectSecrets,
      Map<String, String> overrides,
      Duration timeout,
      boolean privilegedMode,
      String computeType,
      @Nullable String batchIdentifier) {
    this(
        projectName,
        buildspec,
        primarySource,
        secondarySources,
        projectVariables,
        projectParameters,
        projectSecrets,
        overrides,
        timeout,
        privilegedMode,
        computeType,
        batchIdentifier,
        BuildSettings.NONE);
  }

  /** This request with its sources as fetched, and the buildspec read from them. */
  public BuildRequest withSources(
      SourceInfo primary, List<SourceInfo> secondary, BuildspecSource buildspec) {
    return new BuildRequest(
        projectName,
        buildspec,
        primary,
        secondary,
        projectVariables,
        projectParameters,
        projectSecrets,
        overrides,
        timeout,
        privilegedMode,
        computeType,
        batchIdentifier,
        settings);
  }

  /** CodeBuild's default build timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);
}
