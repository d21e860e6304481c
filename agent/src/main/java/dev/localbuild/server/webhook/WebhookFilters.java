package dev.localbuild.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * CodeBuild's webhook filter groups: a build starts when any group passes, and a group passes when
 * each of its filters does. A filter's pattern is a regular expression (found anywhere in the
 * value, as CodeBuild's examples anchor theirs with {@code ^...$}), except EVENT's, a
 * comma-separated list of events; {@code excludeMatchedPattern} turns a filter around. Without
 * groups, every push and pull-request event starts a build.
 */
public final class WebhookFilters {
  private WebhookFilters() {}

  static final Set<String> EVENTS =
      Set.of(
          "PUSH",
          "PULL_REQUEST_CREATED",
          "PULL_REQUEST_UPDATED",
          "PULL_REQUEST_REOPENED",
          "PULL_REQUEST_MERGED",
          "PULL_REQUEST_CLOSED");

  static final Set<String> TYPES =
      Set.of(
          "EVENT",
          "BASE_REF",
          "HEAD_REF",
          "ACTOR_ACCOUNT_ID",
          "FILE_PATH",
          "COMMIT_MESSAGE",
          "WORKFLOW_NAME",
          "TAG_NAME",
          "RELEASE_NAME",
          "REPOSITORY_NAME",
          "ORGANIZATION_NAME");

  /**
   * What is wrong with {@code filterGroups}, as CreateWebhook refuses it; empty when they are good.
   */
  public static Optional<String> invalid(JsonNode groups) {
    if (groups == null || groups.isMissingNode() || groups.isNull()) {
      return Optional.empty();
    }
    if (!groups.isArray()) {
      return Optional.of("filterGroups must be a list of lists of filters");
    }
    for (JsonNode group : groups) {
      if (!group.isArray() || group.isEmpty()) {
        return Optional.of("each filter group must be a non-empty list of filters");
      }
      int events = 0;
      for (JsonNode f : group) {
        String type = f.path("type").asText("");
        String pattern = f.path("pattern").asText(null);
        if (!TYPES.contains(type)) {
          return Optional.of("Invalid filter type: " + type);
        }
        if (pattern == null) {
          return Optional.of("filter " + type + " has no pattern");
        }
        if (type.equals("EVENT")) {
          events++;
          for (String e : pattern.split(",")) {
            if (!EVENTS.contains(e.strip())) {
              return Optional.of("Invalid event: " + e.strip());
            }
          }
        } else {
          try {
            Pattern.compile(pattern);
          } catch (PatternSyntaxException e) {
            return Optional.of("Invalid pattern for " + type + ": " + e.getDescription());
          }
        }
      }
      if (events != 1) {
        return Optional.of("Each filter group must contain exactly one EVENT filter");
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the event starts a build.
   *
   * @return empty when it does; else why not (for the delivery's record)
   */
  public static Optional<String> rejects(JsonNode groups, WebhookEvent e) {
    if (e.event() == null) {
      return Optional.of("not an event CodeBuild builds");
    }
    if (groups == null || !groups.isArray() || groups.isEmpty()) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    int n = 0;
    for (JsonNode group : groups) {
      n++;
      Optional<String> why = groupRejects(group, e);
      if (why.isEmpty()) {
        return Optional.empty();
      }
      reasons.add("group " + n + ": " + why.get());
    }
    return Optional.of(String.join("; ", reasons));
  }

  private static Optional<String> groupRejects(JsonNode group, WebhookEvent e) {
    for (JsonNode f : group) {
      String type = f.path("type").asText();
      String pattern = f.path("pattern").asText();
      boolean exclude = f.path("excludeMatchedPattern").asBoolean(false);
      boolean matched;
      if (type.equals("EVENT")) {
        matched = false;
        for (String ev : pattern.split(",")) {
          matched |= ev.strip().equals(e.event());
        }
      } else if (type.equals("FILE_PATH") && e.filePaths() == null) {
        return Optional.of("FILE_PATH: the event's payload does not list its files");
      } else if (type.equals("FILE_PATH")) {
        Pattern p = Pattern.compile(pattern);
        matched = e.filePaths().stream().anyMatch(path -> p.matcher(path).find());
      } else {
        String value = value(type, e);
        if (value == null) {
          return Optional.of(type + ": the " + e.event() + " event has none");
        }
        matched = Pattern.compile(pattern).matcher(value).find();
      }
      if (matched == exclude) {
        return Optional.of(
            type
                + (exclude ? " matches excluded " : " does not match ")
                + pattern
                + " ("
                + describe(type, e)
                + ")");
      }
    }
    return Optional.empty();
  }

  private static String value(String type, WebhookEvent e) {
    return switch (type) {
      case "HEAD_REF" -> e.headRef();
      case "BASE_REF" -> e.baseRef();
      case "ACTOR_ACCOUNT_ID" -> e.actorAccountId();
      case "COMMIT_MESSAGE" -> e.commitMessage();
      case "TAG_NAME" -> e.headRef().startsWith("refs/tags/") ? e.headRef().substring(10) : null;
      default -> null; // workflow jobs, releases, organization webhooks: not received here
    };
  }

  private static String describe(String type, WebhookEvent e) {
    return switch (type) {
      case "EVENT" -> e.event();
      case "FILE_PATH" -> String.join(", ", e.filePaths());
      default -> String.valueOf(value(type, e));
    };
  }
}
