package dev.localbuild.runtime.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Who a build is, in CodeBuild's formats.
 *
 * @param projectName the project
 * @param uuid the build's UUID (also its log stream name)
 * @param buildNumber the project's build counter, from 1
 * @param region e.g. {@code us-east-1}
 * @param accountId 12 digits
 * @param startTime when the build was submitted
 * @param initiator who started it (a user name, {@code codepipeline/<name>}, ...)
 */
public record BuildIdentity(
    String projectName,
    UUID uuid,
    long buildNumber,
    String region,
    String accountId,
    Instant startTime,
    String initiator) {
  public BuildIdentity {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(initiator, "initiator");
  }

  /** {@code <project>:<uuid>}. */
  public String buildId() {
    return projectName + ":" + uuid;
  }

  /** {@code arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>}. */
  public String buildArn() {
    return "arn:aws:codebuild:" + region + ":" + accountId + ":build/" + buildId();
  }

  /** {@code arn:aws:codebuild:<region>:<account>:project/<project>}. */
  public String projectArn() {
    return "arn:aws:codebuild:" + region + ":" + accountId + ":project/" + projectName;
  }

  /**
   * The ARN of a report group named in the buildspec: an ARN stays, a name becomes project-name.
   */
  public String reportGroupArn(String name) {
    if (name.startsWith("arn:")) {
      return name;
    }
    return "arn:aws:codebuild:"
        + region
        + ":"
        + accountId
        + ":report-group/"
        + projectName
        + "-"
        + name;
  }

  /** The next attempt of this build (on-failure RETRY): a new build with the next number. */
  public BuildIdentity retry(long nextNumber, Instant now) {
    return new BuildIdentity(
        projectName, UUID.randomUUID(), nextNumber, region, accountId, now, initiator);
  }
}
