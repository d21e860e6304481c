package dev.localbuild.server.webhook;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Git host's event, whichever host sent it, with what CodeBuild's filters and variables read.
 *
 * @param provider {@code GITHUB}, {@code GITLAB} or {@code BITBUCKET}
 * @param deliveryId the host's id of this delivery (a redelivery repeats it)
 * @param event CodeBuild's name: {@code PUSH}, {@code PULL_REQUEST_CREATED}, {@code
 *     PULL_REQUEST_UPDATED}, {@code PULL_REQUEST_REOPENED}, {@code PULL_REQUEST_MERGED}, {@code
 *     PULL_REQUEST_CLOSED}; null for an event CodeBuild does not build (a ping, an issue)
 * @param headRef {@code refs/heads/<branch>} or {@code refs/tags/<tag>}
 * @param baseRef a pull request's target, {@code refs/heads/<branch>}; null for a push
 * @param actorAccountId the id of who caused the event
 * @param commitMessage the head commit's message; null when the payload does not say it (a pull
 *     request's)
 * @param filePaths files the push changed; null when the payload does not list them
 * @param headCommit the commit to build
 * @param prevCommit for a push, the commit before it (40 zeros for a new branch)
 * @param mergeCommit for a merged pull request, the merge commit
 * @param pullRequest the pull request's number; null for a push
 * @param fork whether a pull request comes from another repository (code nobody here reviewed)
 */
public record WebhookEvent(
    String provider,
    String deliveryId,
    @Nullable String event,
    String headRef,
    @Nullable String baseRef,
    String actorAccountId,
    @Nullable String commitMessage,
    @Nullable List<String> filePaths,
    String headCommit,
    @Nullable String prevCommit,
    @Nullable String mergeCommit,
    @Nullable Integer pullRequest,
    boolean fork) {

  /** {@code pr/<n>}, {@code tag/<name>} or {@code branch/<name>}: CODEBUILD_WEBHOOK_TRIGGER. */
  public String trigger() {
    if (pullRequest != null) {
      return "pr/" + pullRequest;
    }
    if (headRef.startsWith("refs/tags/")) {
      return "tag/" + headRef.substring("refs/tags/".length());
    }
    return "branch/" + headRef.replaceFirst("^refs/heads/", "");
  }

  /** CODEBUILD_SOURCE_VERSION as CodeBuild sets it: {@code pr/<n>}, else the commit. */
  public String sourceVersion() {
    return pullRequest != null ? "pr/" + pullRequest : headCommit;
  }
}
