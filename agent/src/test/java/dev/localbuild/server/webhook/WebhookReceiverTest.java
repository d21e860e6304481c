package dev.localbuild.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BuildService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {
  static WebhookEvent forkPr() {
    return new WebhookEvent(
        "GITHUB",
        "d",
        "PULL_REQUEST_CREATED",
        "refs/heads/patch",
        "refs/heads/main",
        "99",
        null,
        null,
        "beef",
        null,
        null,
        7,
        true);
  }

  static Map<String, String> variables(JsonNode req) {
    Map<String, String> out = new LinkedHashMap<>();
    req.path("environmentVariablesOverride")
        .forEach(v -> out.put(v.path("name").asText(), v.path("value").asText()));
    return out;
  }

  @Test
  void aForksPullRequestIsAnUntrustedBuildOfItsHeadWithThePullRequestsVariables() {
    JsonNode req = WebhookReceiver.request("app", forkPr(), false);
    assertThat(req.path("sourceVersion").asText()).isEqualTo("beef");
    assertThat(req.path(BuildService.UNTRUSTED).asBoolean()).isTrue();
    // a project that opts in builds it as CodeBuild would, trusted
    assertThat(WebhookReceiver.request("app", forkPr(), true).has(BuildService.UNTRUSTED))
        .isFalse();
    assertThat(variables(req))
        .containsEntry("CODEBUILD_WEBHOOK_EVENT", "PULL_REQUEST_CREATED")
        .containsEntry("CODEBUILD_WEBHOOK_TRIGGER", "pr/7")
        .containsEntry("CODEBUILD_WEBHOOK_BASE_REF", "refs/heads/main")
        .containsEntry("CODEBUILD_SOURCE_VERSION", "pr/7")
        .doesNotContainKey("CODEBUILD_WEBHOOK_PREV_COMMIT"); // none: not set, as CodeBuild
  }

  @Test
  void onlyTheProjectsTrueTagTrustsForks() throws Exception {
    assertThat(WebhookReceiver.trustsForks(RecordJson.MAPPER.readTree("{}"))).isFalse();
    assertThat(
            WebhookReceiver.trustsForks(
                RecordJson.MAPPER.readTree(
                    "{\"tags\":[{\"key\":\"team\",\"value\":\"true\"},"
                        + "{\"key\":\"localbuild:trust-fork-pull-requests\",\"value\":\"no\"}]}")))
        .isFalse();
    assertThat(
            WebhookReceiver.trustsForks(
                RecordJson.MAPPER.readTree(
                    "{\"tags\":[{\"key\":\"localbuild:trust-fork-pull-requests\",\"value\":\"TRUE\"}]}")))
        .isTrue();
  }

  @Test
  void aPushOfTheRepositoryItselfIsTrusted() {
    WebhookEvent push =
        new WebhookEvent(
            "GITHUB",
            "d",
            "PUSH",
            "refs/heads/main",
            null,
            "1",
            "m",
            List.of(),
            "c0ffee",
            "0".repeat(40),
            null,
            null,
            false);
    JsonNode req = WebhookReceiver.request("app", push, false);
    assertThat(req.has(BuildService.UNTRUSTED)).isFalse();
    assertThat(variables(req)).containsEntry("CODEBUILD_WEBHOOK_PREV_COMMIT", "0".repeat(40));
  }

  @Test
  void thePullRequestBuildPolicyAndTheBranchFilterHoldBuildsBack() throws Exception {
    JsonNode forks =
        RecordJson.MAPPER.readTree(
            "{\"pullRequestBuildPolicy\": {\"requiresCommentApproval\": \"FORK_PULL_REQUESTS\"}}");
    assertThat(WebhookReceiver.filtered(forks, forkPr()))
        .contains(
            "pullRequestBuildPolicy FORK_PULL_REQUESTS: the pull request awaits a comment approval,"
                + " which this server does not read");
    JsonNode branch = RecordJson.MAPPER.readTree("{\"branchFilter\": \"^release-\"}");
    assertThat(WebhookReceiver.filtered(branch, forkPr()))
        .contains("branchFilter ^release- does not match patch");
    assertThat(WebhookReceiver.filtered(RecordJson.MAPPER.createObjectNode(), forkPr())).isEmpty();
  }
}
