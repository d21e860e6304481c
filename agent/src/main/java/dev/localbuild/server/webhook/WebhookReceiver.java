package dev.localbuild.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.DeliveryStore;
import dev.localbuild.server.store.ProjectStore;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code POST /webhooks/<project>}: a Git host's delivery. It is checked (the host's signature with
 * the webhook's secret), read, recorded once per delivery id, filtered with the webhook's filter
 * groups, and turned into a build of the event's commit with CodeBuild's webhook variables. A pull
 * request from a fork runs as an untrusted build.
 */
public final class WebhookReceiver {
  /** What the receiver answers, and with which HTTP status. */
  public record Answer(int status, ObjectNode body) {}

  private final ProjectStore projects;
  private final DeliveryStore deliveries;
  private final BuildService builds;

  public WebhookReceiver(ProjectStore projects, DeliveryStore deliveries, BuildService builds) {
    this.projects = projects;
    this.deliveries = deliveries;
    this.builds = builds;
  }

  /**
   * @param headers a request header by name (any case)
   */
  public Answer receive(String projectName, Function<String, String> headers, byte[] body)
      throws SQLException {
    Optional<ObjectNode> found = projects.get(projectName);
    if (found.isEmpty() || !(found.get().get("webhook") instanceof ObjectNode hook)) {
      return answer(404, "REFUSED", "no webhook for project " + projectName);
    }
    ObjectNode project = found.get();
    String provider = WebhookPayloads.provider(headers);
    if (provider == null) {
      return answer(400, "REFUSED", "not a GitHub, GitLab or Bitbucket delivery");
    }
    Answer a = checked(projectName, project, hook, provider, headers, body);
    a.body().put("provider", provider);
    return a;
  }

  private Answer checked(
      String projectName,
      ObjectNode project,
      ObjectNode hook,
      String provider,
      Function<String, String> headers,
      byte[] body)
      throws SQLException {
    Optional<String> forged =
        WebhookSignatures.refuses(provider, headers, body, hook.path("secret").asText());
    if (forged.isPresent()) {
      // recorded under a key of its own: a forged delivery must not take the id of a genuine one
      // (which would then be answered as a redelivery and never build)
      String claimed = WebhookPayloads.deliveryId(provider, headers);
      String key = "refused-" + java.util.UUID.randomUUID();
      if (deliveries.claim(projectName, key, provider, null)) {
        deliveries.finish(
            projectName, key, "REFUSED", forged.get() + " (delivery id " + claimed + ")", null);
      }
      return answer(401, "REFUSED", forged.get());
    }
    WebhookEvent e;
    try {
      e = WebhookPayloads.parse(provider, headers, body);
    } catch (WebhookPayloads.Unreadable u) {
      return answer(400, "REFUSED", u.getMessage());
    }
    if (!deliveries.claim(projectName, e.deliveryId(), provider, e.event())) {
      return answer(200, "DUPLICATE", "delivery " + e.deliveryId() + " was received before");
    }
    Optional<String> filtered = filtered(hook, e);
    if (filtered.isPresent()) {
      deliveries.finish(projectName, e.deliveryId(), "FILTERED", filtered.get(), null);
      return answer(200, "FILTERED", filtered.get());
    }
    try {
      boolean trusted = trustsForks(project);
      ObjectNode record =
          builds.start(
              projectName, project, request(projectName, e, trusted), initiator(provider, headers));
      String id = record.path("id").asText();
      String note =
          !e.fork()
              ? null
              : trusted
                  ? "a fork's pull request: built trusted (the project's " + TRUST_FORKS + " tag)"
                  : "a fork's pull request: built untrusted";
      deliveries.finish(projectName, e.deliveryId(), "ACCEPTED", note, id);
      Answer a = answer(202, "ACCEPTED", note);
      a.body().put("buildId", id);
      return a;
    } catch (ApiException x) {
      deliveries.finish(projectName, e.deliveryId(), "REFUSED", x.getMessage(), null);
      return answer(x.status() >= 500 ? 503 : 422, "REFUSED", x.getMessage());
    }
  }

  /** Why the webhook's settings keep this event from building; empty when it builds. */
  static Optional<String> filtered(JsonNode hook, WebhookEvent e) {
    Optional<String> why = WebhookFilters.rejects(hook.get("filterGroups"), e);
    if (why.isPresent()) {
      return why;
    }
    String branchFilter = hook.path("branchFilter").asText("");
    if (!branchFilter.isEmpty()) {
      String branch = e.headRef().replaceFirst("^refs/(heads|tags)/", "");
      if (!Pattern.compile(branchFilter).matcher(branch).find()) {
        return Optional.of("branchFilter " + branchFilter + " does not match " + branch);
      }
    }
    String approval =
        hook.path("pullRequestBuildPolicy").path("requiresCommentApproval").asText("DISABLED");
    if (e.pullRequest() != null
        && (approval.equals("ALL_PULL_REQUESTS")
            || approval.equals("FORK_PULL_REQUESTS") && e.fork())) {
      return Optional.of(
          "pullRequestBuildPolicy "
              + approval
              + ": the pull request awaits a comment approval, which this server does not read");
    }
    return Optional.empty();
  }

  /**
   * A project tag that opts in to building forks' pull requests as trusted, with the project's
   * credentials, secrets and privilege, as CodeBuild itself builds them. CodeBuild's own control, a
   * comment approval ({@code pullRequestBuildPolicy}), needs the host's comments, which this server
   * does not read; so the opt-in is the project's, made by whoever may update it.
   */
  public static final String TRUST_FORKS = "localbuild:trust-fork-pull-requests";

  static boolean trustsForks(JsonNode project) {
    for (JsonNode tag : project.path("tags")) {
      if (tag.path("key").asText().equals(TRUST_FORKS)) {
        return tag.path("value").asText().equalsIgnoreCase("true");
      }
    }
    return false;
  }

  /** StartBuild's request for the event: its commit, and CodeBuild's webhook variables. */
  static ObjectNode request(String projectName, WebhookEvent e, boolean trustForks) {
    ObjectNode req = RecordJson.MAPPER.createObjectNode();
    req.put("projectName", projectName);
    req.put("sourceVersion", e.headCommit());
    ArrayNode vars = req.putArray("environmentVariablesOverride");
    variable(vars, "CODEBUILD_WEBHOOK_EVENT", e.event());
    variable(vars, "CODEBUILD_WEBHOOK_HEAD_REF", e.headRef());
    variable(vars, "CODEBUILD_WEBHOOK_BASE_REF", e.baseRef());
    variable(vars, "CODEBUILD_WEBHOOK_TRIGGER", e.trigger());
    variable(vars, "CODEBUILD_WEBHOOK_ACTOR_ACCOUNT_ID", e.actorAccountId());
    variable(vars, "CODEBUILD_WEBHOOK_PREV_COMMIT", e.prevCommit());
    variable(vars, "CODEBUILD_WEBHOOK_MERGE_COMMIT", e.mergeCommit());
    variable(vars, "CODEBUILD_SOURCE_VERSION", e.sourceVersion());
    if (e.fork() && !trustForks) {
      req.put(BuildService.UNTRUSTED, true);
    }
    return req;
  }

  private static void variable(ArrayNode vars, String name, String value) {
    if (value != null && !value.isEmpty()) {
      vars.addObject().put("name", name).put("value", value).put("type", "PLAINTEXT");
    }
  }

  /**
   * CODEBUILD_INITIATOR: the host's agent, as CodeBuild shows GitHub's ({@code
   * GitHub-Hookshot/<id>}).
   */
  static String initiator(String provider, Function<String, String> headers) {
    String agent = headers.apply("User-Agent");
    if (agent != null && !agent.isBlank()) {
      return agent.strip();
    }
    return switch (provider) {
      case "GITHUB" -> "GitHub-Hookshot";
      case "GITLAB" -> "GitLab";
      default -> "Bitbucket-Webhooks";
    };
  }

  private static Answer answer(int status, String result, String reason) {
    ObjectNode b = RecordJson.MAPPER.createObjectNode();
    b.put("result", result);
    if (reason != null) {
      b.put("reason", reason);
    }
    return new Answer(status, b);
  }
}
