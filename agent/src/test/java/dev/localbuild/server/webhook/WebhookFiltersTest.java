package dev.localbuild.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookFiltersTest {
  static JsonNode json(String s) throws Exception {
    return RecordJson.MAPPER.readTree(s);
  }

  static WebhookEvent push(String ref, String message, List<String> files) {
    return new WebhookEvent(
        "GITHUB",
        "d1",
        "PUSH",
        ref,
        null,
        "12345",
        message,
        files,
        "c0ffee",
        "0".repeat(40),
        null,
        null,
        false);
  }

  static WebhookEvent pr(String event, String head, String base, String actor) {
    return new WebhookEvent(
        "GITHUB", "d2", event, head, base, actor, null, null, "beef", null, null, 7, false);
  }

  // the two groups of CodeBuild's "Filter GitHub webhook events (SDK)" page
  static final String DOC_GROUPS =
      """
      [[{"type": "EVENT", "pattern": "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED"},
        {"type": "BASE_REF", "pattern": "^refs/heads/main$"},
        {"type": "HEAD_REF", "pattern": "^refs/heads/myBranch$"}],
       [{"type": "EVENT", "pattern": "PUSH"},
        {"type": "HEAD_REF", "pattern": "^refs/heads/myBranch$"}]]
      """;

  @Test
  void aBuildStartsWhenAnyGroupPassesAndAGroupPassesWhenEachFilterDoes() throws Exception {
    JsonNode groups = json(DOC_GROUPS);
    assertThat(WebhookFilters.rejects(groups, push("refs/heads/myBranch", "m", List.of())))
        .isEmpty();
    assertThat(
            WebhookFilters.rejects(
                groups, pr("PULL_REQUEST_UPDATED", "refs/heads/myBranch", "refs/heads/main", "1")))
        .isEmpty();
    assertThat(WebhookFilters.rejects(groups, push("refs/heads/other", "m", List.of())))
        .contains(
            "group 1: EVENT does not match PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED,"
                + " PULL_REQUEST_REOPENED (PUSH); group 2: HEAD_REF does not match"
                + " ^refs/heads/myBranch$ (refs/heads/other)");
    // a merged pull request is in neither group
    assertThat(
            WebhookFilters.rejects(
                groups, pr("PULL_REQUEST_MERGED", "refs/heads/myBranch", "refs/heads/main", "1")))
        .isPresent();
  }

  @Test
  void excludeMatchedPatternTurnsAFilterAround() throws Exception {
    // CodeBuild's CloudFormation example: pull requests to main by anyone but account 12345
    JsonNode groups =
        json(
            """
            [[{"type": "EVENT", "pattern": "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED"},
              {"type": "BASE_REF", "pattern": "^refs/heads/main$"},
              {"type": "ACTOR_ACCOUNT_ID", "pattern": "12345", "excludeMatchedPattern": true}]]
            """);
    assertThat(
            WebhookFilters.rejects(
                groups, pr("PULL_REQUEST_CREATED", "refs/heads/f", "refs/heads/main", "99")))
        .isEmpty();
    assertThat(
            WebhookFilters.rejects(
                groups, pr("PULL_REQUEST_CREATED", "refs/heads/f", "refs/heads/main", "12345")))
        .contains("group 1: ACTOR_ACCOUNT_ID matches excluded 12345 (12345)");
  }

  @Test
  void filePathsAndCommitMessages() throws Exception {
    JsonNode files =
        json(
            "[[{\"type\": \"EVENT\", \"pattern\": \"PUSH\"}, {\"type\": \"FILE_PATH\", \"pattern\": \"^docs/\"}]]");
    assertThat(
            WebhookFilters.rejects(
                files, push("refs/heads/main", "m", List.of("src/a.c", "docs/x.md"))))
        .isEmpty();
    assertThat(WebhookFilters.rejects(files, push("refs/heads/main", "m", List.of("src/a.c"))))
        .contains("group 1: FILE_PATH does not match ^docs/ (src/a.c)");
    JsonNode skipCi =
        json(
            "[[{\"type\": \"EVENT\", \"pattern\": \"PUSH\"}, {\"type\": \"COMMIT_MESSAGE\", \"pattern\":"
                + " \"\\\\[skip ci\\\\]\", \"excludeMatchedPattern\": true}]]");
    assertThat(WebhookFilters.rejects(skipCi, push("refs/heads/main", "fix [skip ci]", List.of())))
        .isPresent();
    assertThat(WebhookFilters.rejects(skipCi, push("refs/heads/main", "fix", List.of()))).isEmpty();
    // a pull request's payload has neither files nor a commit message: such a filter cannot pass
    JsonNode prFiles =
        json(
            "[[{\"type\": \"EVENT\", \"pattern\": \"PULL_REQUEST_CREATED\"}, {\"type\": \"FILE_PATH\","
                + " \"pattern\": \"x\"}]]");
    assertThat(
            WebhookFilters.rejects(
                prFiles, pr("PULL_REQUEST_CREATED", "refs/heads/f", "refs/heads/main", "1")))
        .contains("group 1: FILE_PATH: the event's payload does not list its files");
  }

  @Test
  void withoutGroupsEveryPushAndPullRequestBuilds() {
    assertThat(WebhookFilters.rejects(null, push("refs/tags/v1", "m", List.of()))).isEmpty();
    WebhookEvent ping =
        new WebhookEvent(
            "GITHUB", "d", null, "", null, "", null, null, "", null, null, null, false);
    assertThat(WebhookFilters.rejects(null, ping)).contains("not an event CodeBuild builds");
  }

  @Test
  void createWebhookRefusesWhatCodeBuildRefuses() throws Exception {
    assertThat(WebhookFilters.invalid(json(DOC_GROUPS))).isEmpty();
    assertThat(WebhookFilters.invalid(json("[[{\"type\": \"HEAD_REF\", \"pattern\": \"x\"}]]")))
        .contains("Each filter group must contain exactly one EVENT filter");
    assertThat(WebhookFilters.invalid(json("[[{\"type\": \"EVENT\", \"pattern\": \"PUSHED\"}]]")))
        .contains("Invalid event: PUSHED");
    assertThat(
            WebhookFilters.invalid(
                json(
                    "[[{\"type\": \"EVENT\", \"pattern\": \"PUSH\"}, {\"type\": \"HEAD_REF\", \"pattern\": \"(\"}]]")))
        .get()
        .asString()
        .startsWith("Invalid pattern for HEAD_REF");
    assertThat(WebhookFilters.invalid(json("[[{\"type\": \"BRANCH\", \"pattern\": \"x\"}]]")))
        .contains("Invalid filter type: BRANCH");
  }

  @Test
  void triggersAndSourceVersionsAsCodeBuildSetsThem() {
    assertThat(push("refs/heads/feature/x", "m", List.of()).trigger())
        .isEqualTo("branch/feature/x");
    assertThat(push("refs/tags/v1.2", "m", List.of()).trigger()).isEqualTo("tag/v1.2");
    WebhookEvent p = pr("PULL_REQUEST_CREATED", "refs/heads/f", "refs/heads/main", "1");
    assertThat(p.trigger()).isEqualTo("pr/7");
    assertThat(p.sourceVersion()).isEqualTo("pr/7");
    assertThat(push("refs/heads/main", "m", List.of()).sourceVersion()).isEqualTo("c0ffee");
  }
}
