package dev.localbuild.runtime.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A build as CodeBuild's {@code BatchGetBuilds} shows it. Immutable: the build's single writer
 * makes a new record after every change, so readers never see a half-made one.
 *
 * @param id {@code <project>:<uuid>}
 * @param arn the build ARN
 * @param buildNumber the project's counter
 * @param projectName the project
 * @param startTime when it was submitted
 * @param endTime when it ended; null while running
 * @param currentPhase the phase now running, or {@code COMPLETED}
 * @param buildStatus {@code IN_PROGRESS} until it ends
 * @param sourceVersion what was asked for (a commit, branch, tag); null for a plain directory
 * @param resolvedSourceVersion the commit actually built; null when not a git source
 * @param phases every phase so far, in order
 * @param source the primary source
 * @param secondarySources other sources, by identifier
 * @param environment the build environment
 * @param timeoutInMinutes the build timeout
 * @param initiator who started it
 * @param artifacts the primary artifact, once uploaded
 * @param secondaryArtifacts the secondary artifacts, once uploaded
 * @param exportedEnvironmentVariables the buildspec's {@code exported-variables} and their values
 * @param reportArns the report groups' reports made by this build
 * @param autoRetry attempt numbering when {@code on-failure: RETRY} retried the build
 * @param settings the project settings the record repeats (serviceRole, encryptionKey, cache)
 * @param sourceDirty for a git work tree: whether what was built differs from its commit
 *     (uncommitted changes); null for other sources. Not a CodeBuild field
 * @param imageDigest the image the build ran on, exactly: its registry digest ({@code
 *     name@sha256:...}), or its image id for an image built here; null before PROVISIONING and for
 *     the host executor. Not a CodeBuild field (its build records name the image only)
 * @param cacheHit whether the buildspec's cache was restored (true) or started empty (false); null
 *     when the build restored none. Not a CodeBuild field: the server counts it
 */
public record BuildRecord(
    String id,
    String arn,
    long buildNumber,
    String projectName,
    Instant startTime,
    @Nullable Instant endTime,
    PhaseType currentPhase,
    StatusType buildStatus,
    @Nullable String sourceVersion,
    @Nullable String resolvedSourceVersion,
    List<PhaseRecord> phases,
    Source source,
    List<Source> secondarySources,
    Environment environment,
    long timeoutInMinutes,
    String initiator,
    @Nullable Artifact artifacts,
    List<Artifact> secondaryArtifacts,
    List<NameValue> exportedEnvironmentVariables,
    List<String> reportArns,
    @Nullable AutoRetry autoRetry,
    BuildSettings settings,
    @Nullable Boolean sourceDirty,
    @Nullable String imageDigest,
    @Nullable Boolean cacheHit) {

  public BuildRecord {
    Objects.requireNonNull(id, "id");
    phases = List.copyOf(phases);
    secondarySources = List.copyOf(secondarySources);
    secondaryArtifacts = List.copyOf(secondaryArtifacts);
    exportedEnvironmentVariables = List.copyOf(exportedEnvironmentVariables);
    reportArns = List.copyOf(reportArns);
  }

  /**
   * A source.
   *
   * @param type {@code LOCAL}, {@code GITHUB}, {@code S3}, {@code NO_SOURCE}...
   * @param location where it came from (a directory, a clone URL)
   * @param buildspec the buildspec's path or inline text, as given
   * @param sourceIdentifier for secondary sources
   * @param sourceVersion for secondary sources: the version built
   */
  public record Source(
      String type,
      String location,
      @Nullable String buildspec,
      @Nullable String sourceIdentifier,
      @Nullable String sourceVersion) {}

  /**
   * The build environment.
   *
   * @param type {@code LINUX_CONTAINER}
   * @param image the image
   * @param computeType e.g. {@code BUILD_GENERAL1_SMALL}
   * @param privilegedMode whether Docker runs inside the build
   * @param environmentVariables the project-level variables (secret ones by reference only)
   * @param executor {@code docker} or {@code host}: not a CodeBuild field
   */
  public record Environment(
      String type,
      String image,
      String computeType,
      boolean privilegedMode,
      List<EnvironmentVariable> environmentVariables,
      String executor) {
    public Environment {
      environmentVariables = List.copyOf(environmentVariables);
    }
  }

  /** A project environment variable: {@code type} PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER. */
  public record EnvironmentVariable(String name, String value, String type) {}

  /** A name and a value. */
  public record NameValue(String name, String value) {}

  /**
   * An uploaded artifact.
   *
   * @param location where it went ({@code file:///...}, {@code arn:aws:s3:::bucket/key})
   * @param sha256sum of the zip
   * @param md5sum of the zip
   * @param overrideArtifactName whether {@code artifacts.name} named it
   * @param artifactIdentifier for secondary artifacts
   */
  public record Artifact(
      String location,
      @Nullable String sha256sum,
      @Nullable String md5sum,
      boolean overrideArtifactName,
      @Nullable String artifactIdentifier) {}

  /** {@code autoRetryConfig}: which attempt this is and its neighbours. */
  public record AutoRetry(
      int autoRetryLimit,
      int autoRetryNumber,
      @Nullable String nextAutoRetry,
      @Nullable String previousAutoRetry) {}

  /** Whether the build has ended. */
  public boolean buildComplete() {
    return currentPhase == PhaseType.COMPLETED;
  }
}
