package dev.localbuild.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads GitHub's, GitLab's and Bitbucket Cloud's push and pull-request payloads into {@link
 * WebhookEvent}s, naming events as CodeBuild does (GitHub {@code synchronize} is
 * PULL_REQUEST_UPDATED, Bitbucket {@code pullrequest:fulfilled} is PULL_REQUEST_MERGED, ...).
 */
public final class WebhookPayloads {
  private WebhookPayloads() {}

  /** A payload that cannot be read. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** Which host sent a delivery, by its headers; null when none of them. */
  public static @Nullable String provider(Function<String, String> headers) {
    if (headers.apply("X-GitHub-Event") != null) {
      return "GITHUB";
    }
    if (headers.apply("X-Gitlab-Event") != null) {
      return "GITLAB";
    }
    if (headers.apply("X-Event-Key") != null) {
      return "BITBUCKET";
    }
    return null;
  }

  /** The host's id of a delivery (a redelivery keeps it). */
  public static @Nullable String deliveryId(String provider, Function<String, String> headers) {
    return switch (provider) {
      case "GITHUB" -> headers.apply("X-GitHub-Delivery");
      case "GITLAB" ->
          headers.apply("X-Gitlab-Event-UUID") != null
              ? headers.apply("X-Gitlab-Event-UUID")
              : headers.apply("Idempotency-Key");
      default ->
          headers.apply("X-Request-UUID") != null
              ? headers.apply("X-Request-UUID")
              : headers.apply("X-Hook-UUID");
    };
  }

  public static WebhookEvent parse(String provider, Function<String, String> headers, byte[] body)
      throws Unreadable {
    JsonNode p;
    try {
      p = RecordJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new Unreadable(
          "the body is not JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    String id = deliveryId(provider, headers);
    if (id == null || id.isBlank()) {
      throw new Unreadable("no delivery id header");
    }
    return switch (provider) {
      case "GITHUB" -> github(id, headers.apply("X-GitHub-Event"), p);
      case "GITLAB" -> gitlab(id, headers.apply("X-Gitlab-Event"), p);
      default -> bitbucket(id, headers.apply("X-Event-Key"), p);
    };
  }

  private static WebhookEvent github(String id, String kind, JsonNode p) throws Unreadable {
    String actor = p.path("sender").path("id").asText("");
    if (kind.equals("push")) {
      boolean deleted = p.path("deleted").asBoolean(false);
      Set<String> files = new LinkedHashSet<>();
      for (JsonNode c : p.path("commits")) {
        for (String k : List.of("added", "modified", "removed")) {
          c.path(k).forEach(f -> files.add(f.asText()));
        }
      }
      return new WebhookEvent(
          "GITHUB",
          id,
          deleted ? null : "PUSH",
          required(p, "ref"),
          null,
          actor,
          p.path("head_commit").path("message").asText(""),
          List.copyOf(files),
          p.path("after").asText(""),
          p.path("before").asText(null),
          null,
          null,
          false);
    }
    if (kind.equals("pull_request")) {
      JsonNode pr = p.path("pull_request");
      String action = p.path("action").asText("");
      String event =
          switch (action) {
            case "opened" -> "PULL_REQUEST_CREATED";
            case "synchronize" -> "PULL_REQUEST_UPDATED";
            case "reopened" -> "PULL_REQUEST_REOPENED";
            case "closed" ->
                pr.path("merged").asBoolean(false) ? "PULL_REQUEST_MERGED" : "PULL_REQUEST_CLOSED";
            default -> null;
          };
      String head = pr.path("head").path("repo").path("full_name").asText("");
      String base = pr.path("base").path("repo").path("full_name").asText("");
      return new WebhookEvent(
          "GITHUB",
          id,
          event,
          "refs/heads/" + pr.path("head").path("ref").asText(""),
          "refs/heads/" + pr.path("base").path("ref").asText(""),
          actor,
          null,
          null,
          pr.path("head").path("sha").asText(""),
          null,
          pr.path("merged").asBoolean(false) ? pr.path("merge_commit_sha").asText(null) : null,
          p.path("number").asInt(pr.path("number").asInt()),
          !head.equals(base));
    }
    return notBuilt("GITHUB", id, actor); // ping, issues, ...
  }

  private static WebhookEvent gitlab(String id, String kind, JsonNode p) throws Unreadable {
    if (kind.equals("Push Hook") || kind.equals("Tag Push Hook")) {
      String after = p.path("after").asText("");
      Set<String> files = new LinkedHashSet<>();
      String message = "";
      for (JsonNode c : p.path("commits")) {
        for (String k : List.of("added", "modified", "removed")) {
          c.path(k).forEach(f -> files.add(f.asText()));
        }
        if (c.path("id").asText().equals(after)) {
          message = c.path("message").asText("");
        }
      }
      boolean deleted = after.matches("0{40}");
      return new WebhookEvent(
          "GITLAB",
          id,
          deleted ? null : "PUSH",
          required(p, "ref"),
          null,
          p.path("user_id").asText(""),
          message,
          List.copyOf(files),
          after,
          p.path("before").asText(null),
          null,
          null,
          false);
    }
    if (kind.equals("Merge Request Hook")) {
      JsonNode mr = p.path("object_attributes");
      String event =
          switch (mr.path("action").asText("")) {
            case "open" -> "PULL_REQUEST_CREATED";
            case "update" -> "PULL_REQUEST_UPDATED";
            case "reopen" -> "PULL_REQUEST_REOPENED";
            case "merge" -> "PULL_REQUEST_MERGED";
            case "close" -> "PULL_REQUEST_CLOSED";
            default -> null;
          };
      return new WebhookEvent(
          "GITLAB",
          id,
          event,
          "refs/heads/" + mr.path("source_branch").asText(""),
          "refs/heads/" + mr.path("target_branch").asText(""),
          p.path("user").path("id").asText(""),
          mr.path("last_commit").path("message").asText(null),
          null,
          mr.path("last_commit").path("id").asText(""),
          null,
          mr.path("merge_commit_sha").asText(null),
          mr.path("iid").asInt(),
          mr.path("source_project_id").asLong() != mr.path("target_project_id").asLong());
    }
    return notBuilt("GITLAB", id, p.path("user_id").asText(""));
  }

  private static WebhookEvent bitbucket(String id, String kind, JsonNode p) throws Unreadable {
    String actor = p.path("actor").path("account_id").asText("");
    if (kind.equals("repo:push")) {
      JsonNode change = p.path("push").path("changes").path(0);
      JsonNode target = change.path("new");
      if (target.isMissingNode() || target.isNull()) {
        return notBuilt("BITBUCKET", id, actor); // a branch or tag deleted
      }
      String ref =
          (target.path("type").asText().equals("tag") ? "refs/tags/" : "refs/heads/")
              + target.path("name").asText("");
      return new WebhookEvent(
          "BITBUCKET",
          id,
          "PUSH",
          ref,
          null,
          actor,
          target.path("target").path("message").asText(""),
          null, // Bitbucket's push payload does not list files
          target.path("target").path("hash").asText(""),
          change.path("old").path("target").path("hash").asText(null),
          null,
          null,
          false);
    }
    if (kind.startsWith("pullrequest:")) {
      JsonNode pr = p.path("pullrequest");
      String event =
          switch (kind) {
            case "pullrequest:created" -> "PULL_REQUEST_CREATED";
            case "pullrequest:updated" -> "PULL_REQUEST_UPDATED";
            case "pullrequest:fulfilled" -> "PULL_REQUEST_MERGED";
            case "pullrequest:rejected" -> "PULL_REQUEST_CLOSED";
            default -> null;
          };
      String head = pr.path("source").path("repository").path("full_name").asText("");
      String base = pr.path("destination").path("repository").path("full_name").asText("");
      return new WebhookEvent(
          "BITBUCKET",
          id,
          event,
          "refs/heads/" + pr.path("source").path("branch").path("name").asText(""),
          "refs/heads/" + pr.path("destination").path("branch").path("name").asText(""),
          actor,
          null,
          null,
          pr.path("source").path("commit").path("hash").asText(""),
          null,
          pr.path("merge_commit").path("hash").asText(null),
          pr.path("id").asInt(),
          !head.equals(base));
    }
    return notBuilt("BITBUCKET", id, actor);
  }

  private static WebhookEvent notBuilt(String provider, String id, String actor) {
    return new WebhookEvent(
        provider, id, null, "", null, actor, null, null, "", null, null, null, false);
  }

  private static String required(JsonNode p, String field) throws Unreadable {
    String v = p.path(field).asText(null);
    if (v == null || v.isEmpty()) {
      throw new Unreadable("the payload has no " + field);
    }
    return v;
  }
}
