package dev.localbuild.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One build status for a commit, as each host's API takes it: GitHub's statuses ({@code POST
 * /repos/OWNER/REPO/statuses/SHA}), GitLab's commit status ({@code POST /projects/ID/statuses/SHA})
 * and Bitbucket Cloud's build status ({@code POST
 * /repositories/WORKSPACE/REPO/commit/SHA/statuses/build}), named as CodeBuild names its own
 * ({@code AWS CodeBuild REGION (PROJECT)}).
 *
 * @param uri where it is sent
 * @param headers its authentication and content type
 * @param body the status
 */
public record CommitStatus(URI uri, Map<String, String> headers, String body) {

  /**
   * What a host is told about a build in this status ({@code IN_PROGRESS}, {@code SUCCEEDED}...).
   */
  static String state(String serverType, String buildStatus) {
    boolean github = serverType.startsWith("GITHUB");
    boolean gitlab = serverType.startsWith("GITLAB");
    return switch (buildStatus) {
      case "IN_PROGRESS" -> github ? "pending" : gitlab ? "running" : "INPROGRESS";
      case "SUCCEEDED" -> github ? "success" : gitlab ? "success" : "SUCCESSFUL";
      case "STOPPED" -> github ? "failure" : gitlab ? "canceled" : "STOPPED";
      case "FAULT" -> github ? "error" : gitlab ? "failed" : "FAILED";
      default -> github ? "failure" : gitlab ? "failed" : "FAILED";
    };
  }

  /** {@code owner/repo} of a clone URL ({@code https://github.com/owner/repo.git}). */
  static Optional<String> repository(String location) {
    try {
      String path = URI.create(location).getPath();
      if (path == null) {
        return Optional.empty();
      }
      path = path.replaceFirst("^/", "").replaceFirst("\\.git$", "").replaceFirst("/$", "");
      return path.contains("/") ? Optional.of(path) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The API a source's host answers on, unless the server was told another. */
  static URI api(String serverType, String location, @Nullable URI override) {
    if (override != null) {
      return override;
    }
    String host = URI.create(location).getHost();
    return URI.create(
        switch (serverType) {
          case "GITHUB" -> "https://api.github.com";
          case "GITHUB_ENTERPRISE" -> "https://" + host + "/api/v3";
          case "GITLAB" -> "https://gitlab.com/api/v4";
          case "GITLAB_SELF_MANAGED" -> "https://" + host + "/api/v4";
          default -> "https://api.bitbucket.org/2.0";
        });
  }

  /**
   * The status of a build for its commit.
   *
   * @param token the source credential's token (a Bitbucket app password with {@code username})
   * @param link the build's page on this server, where the host's "Details" link goes
   */
  static CommitStatus of(
      String serverType,
      URI api,
      String repository,
      String sha,
      String buildStatus,
      String project,
      String region,
      String buildId,
      @Nullable String username,
      String token,
      String link) {
    String name = "AWS CodeBuild " + region + " (" + project + ")";
    String description = "Build " + buildId + " " + words(buildStatus);
    String base = api.toString().replaceFirst("/$", "");
    ObjectNode body = RecordJson.MAPPER.createObjectNode();
    String state = state(serverType, buildStatus);
    if (serverType.startsWith("GITHUB")) {
      body.put("state", state)
          .put("target_url", link)
          .put("description", description)
          .put("context", name);
      return new CommitStatus(
          URI.create(base + "/repos/" + repository + "/statuses/" + sha),
          Map.of(
              "Authorization", "token " + token,
              "Accept", "application/vnd.github+json",
              "Content-Type", "application/json"),
          body.toString());
    }
    if (serverType.startsWith("GITLAB")) {
      body.put("state", state)
          .put("name", name)
          .put("target_url", link)
          .put("description", description);
      return new CommitStatus(
          URI.create(
              base
                  + "/projects/"
                  + URLEncoder.encode(repository, StandardCharsets.UTF_8)
                  + "/statuses/"
                  + sha),
          Map.of("PRIVATE-TOKEN", token, "Content-Type", "application/json"),
          body.toString());
    }
    body.put("state", state)
        .put("key", "CodeBuild-" + project)
        .put("name", name)
        .put("url", link)
        .put("description", description);
    String basic =
        Base64.getEncoder()
            .encodeToString(
                ((username == null ? "x-token-auth" : username) + ":" + token)
                    .getBytes(StandardCharsets.UTF_8));
    return new CommitStatus(
        URI.create(base + "/repositories/" + repository + "/commit/" + sha + "/statuses/build"),
        Map.of("Authorization", "Basic " + basic, "Content-Type", "application/json"),
        body.toString());
  }

  private static String words(String buildStatus) {
    return switch (buildStatus) {
      case "IN_PROGRESS" -> "is in progress";
      case "SUCCEEDED" -> "succeeded";
      case "TIMED_OUT" -> "timed out";
      default -> "is " + buildStatus.toLowerCase(java.util.Locale.ROOT);
    };
  }
}
