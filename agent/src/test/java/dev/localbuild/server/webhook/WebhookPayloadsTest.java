package dev.localbuild.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The hosts' payloads, trimmed to the members CodeBuild reads, in the shapes their documentation
 * gives (GitHub "Webhook events and payloads", GitLab "Webhook events", Bitbucket "Event
 * payloads").
 */
class WebhookPayloadsTest {
  static Function<String, String> headers(String... kv) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m::get;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void gitHubPushAndPullRequests() throws Exception {
    var h =
        headers(
            "X-GitHub-Event", "push", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(WebhookPayloads.provider(h)).isEqualTo("GITHUB");
    WebhookEvent push =
        WebhookPayloads.parse(
            "GITHUB",
            h,
            bytes(
                """
                {"ref": "refs/heads/main", "before": "0000000000000000000000000000000000000000",
                 "after": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "created": true, "deleted": false,
                 "head_commit": {"id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "message": "Add docs"},
                 "commits": [{"added": ["docs/a.md"], "removed": [], "modified": ["README.md"]},
                             {"added": [], "removed": ["old.txt"], "modified": ["README.md"]}],
                 "sender": {"login": "octocat", "id": 583231}}
                """));
    assertThat(push.event()).isEqualTo("PUSH");
    assertThat(push.deliveryId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(push.filePaths()).containsExactly("docs/a.md", "README.md", "old.txt");
    assertThat(push.actorAccountId()).isEqualTo("583231");
    assertThat(push.prevCommit()).isEqualTo("0".repeat(40));
    assertThat(push.commitMessage()).isEqualTo("Add docs");

    String pr =
        """
        {"action": "%s", "number": 2,
         "pull_request": {"number": 2, "merged": %s, "merge_commit_sha": "e5bd3914e2e596debea16f433f57875b5b90bcd6",
           "head": {"ref": "feature", "sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "repo": {"full_name": "%s"}},
           "base": {"ref": "main", "sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "repo": {"full_name": "octo/repo"}}},
         "sender": {"id": 21031067}}
        """;
    var ph = headers("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d-2");
    WebhookEvent opened =
        WebhookPayloads.parse("GITHUB", ph, bytes(pr.formatted("opened", false, "octo/repo")));
    assertThat(opened.event()).isEqualTo("PULL_REQUEST_CREATED");
    assertThat(opened.headRef()).isEqualTo("refs/heads/feature");
    assertThat(opened.baseRef()).isEqualTo("refs/heads/main");
    assertThat(opened.headCommit()).isEqualTo("ec26c3e57ca3a959ca5aad62de7213c562f8c821");
    assertThat(opened.fork()).isFalse();
    assertThat(
            WebhookPayloads.parse(
                    "GITHUB", ph, bytes(pr.formatted("synchronize", false, "octo/repo")))
                .event())
        .isEqualTo("PULL_REQUEST_UPDATED");
    WebhookEvent merged =
        WebhookPayloads.parse("GITHUB", ph, bytes(pr.formatted("closed", true, "octo/repo")));
    assertThat(merged.event()).isEqualTo("PULL_REQUEST_MERGED");
    assertThat(merged.mergeCommit()).isEqualTo("e5bd3914e2e596debea16f433f57875b5b90bcd6");
    assertThat(
            WebhookPayloads.parse("GITHUB", ph, bytes(pr.formatted("closed", false, "octo/repo")))
                .event())
        .isEqualTo("PULL_REQUEST_CLOSED");
    assertThat(
            WebhookPayloads.parse(
                    "GITHUB", ph, bytes(pr.formatted("opened", false, "stranger/repo")))
                .fork())
        .isTrue();
    assertThat(
            WebhookPayloads.parse(
                    "GITHUB",
                    headers("X-GitHub-Event", "ping", "X-GitHub-Delivery", "p"),
                    bytes("{}"))
                .event())
        .isNull();
  }

  @Test
  void gitLabPushAndMergeRequests() throws Exception {
    var h = headers("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "u-1");
    assertThat(WebhookPayloads.provider(h)).isEqualTo("GITLAB");
    WebhookEvent push =
        WebhookPayloads.parse(
            "GITLAB",
            h,
            bytes(
                """
                {"object_kind": "push", "ref": "refs/heads/master",
                 "before": "95790bf891e76fee5e1747ab589903a6a1f80f22", "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                 "user_id": 4,
                 "commits": [{"id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", "message": "first", "added": ["a"], "modified": [], "removed": []},
                             {"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "message": "fixed readme", "added": [], "modified": ["README.md"], "removed": []}]}
                """));
    assertThat(push.event()).isEqualTo("PUSH");
    assertThat(push.commitMessage()).isEqualTo("fixed readme");
    assertThat(push.filePaths()).containsExactly("a", "README.md");
    assertThat(push.actorAccountId()).isEqualTo("4");
    WebhookEvent mr =
        WebhookPayloads.parse(
            "GITLAB",
            headers("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Event-UUID", "u-2"),
            bytes(
                """
                {"object_kind": "merge_request", "user": {"id": 1},
                 "object_attributes": {"iid": 1, "action": "open", "source_branch": "ms-viewport", "target_branch": "master",
                   "source_project_id": 14, "target_project_id": 14,
                   "last_commit": {"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "message": "fixed readme"}}}
                """));
    assertThat(mr.event()).isEqualTo("PULL_REQUEST_CREATED");
    assertThat(mr.trigger()).isEqualTo("pr/1");
    assertThat(mr.baseRef()).isEqualTo("refs/heads/master");
    assertThat(mr.fork()).isFalse();
  }

  @Test
  void bitbucketPushAndPullRequests() throws Exception {
    var h = headers("X-Event-Key", "repo:push", "X-Request-UUID", "b-1");
    assertThat(WebhookPayloads.provider(h)).isEqualTo("BITBUCKET");
    WebhookEvent tag =
        WebhookPayloads.parse(
            "BITBUCKET",
            h,
            bytes(
                """
                {"actor": {"account_id": "557058:c0b72ad0"},
                 "push": {"changes": [{"new": {"type": "tag", "name": "v1.0",
                                               "target": {"hash": "709d658dc5b6d6afcd46049c2f332ee3f515a67d", "message": "release"}},
                                       "old": null}]}}
                """));
    assertThat(tag.headRef()).isEqualTo("refs/tags/v1.0");
    assertThat(tag.trigger()).isEqualTo("tag/v1.0");
    assertThat(tag.filePaths()).isNull();
    WebhookEvent merged =
        WebhookPayloads.parse(
            "BITBUCKET",
            headers("X-Event-Key", "pullrequest:fulfilled", "X-Request-UUID", "b-2"),
            bytes(
                """
                {"actor": {"account_id": "a"},
                 "pullrequest": {"id": 5,
                   "source": {"branch": {"name": "f"}, "commit": {"hash": "abc"}, "repository": {"full_name": "t/r"}},
                   "destination": {"branch": {"name": "main"}, "repository": {"full_name": "t/r"}},
                   "merge_commit": {"hash": "def"}}}
                """));
    assertThat(merged.event()).isEqualTo("PULL_REQUEST_MERGED");
    assertThat(merged.mergeCommit()).isEqualTo("def");
  }

  @Test
  void signaturesAreCheckedEachHostsWay() {
    byte[] body = bytes("{\"ref\": \"refs/heads/main\"}");
    String sig = "sha256=" + WebhookSignatures.sign(body, "s3cret");
    assertThat(
            WebhookSignatures.refuses(
                "GITHUB", headers("X-Hub-Signature-256", sig), body, "s3cret"))
        .isEmpty();
    assertThat(
            WebhookSignatures.refuses("GITHUB", headers("X-Hub-Signature-256", sig), body, "other"))
        .contains("X-Hub-Signature-256 does not match the body signed with the webhook's secret");
    assertThat(WebhookSignatures.refuses("GITHUB", headers(), body, "s3cret"))
        .contains("no X-Hub-Signature-256 header");
    assertThat(
            WebhookSignatures.refuses("BITBUCKET", headers("X-Hub-Signature", sig), body, "s3cret"))
        .isEmpty();
    assertThat(
            WebhookSignatures.refuses(
                "GITLAB", headers("X-Gitlab-Token", "s3cret"), body, "s3cret"))
        .isEmpty();
    assertThat(
            WebhookSignatures.refuses("GITLAB", headers("X-Gitlab-Token", "guess"), body, "s3cret"))
        .contains("X-Gitlab-Token is not the secret");
    // GitHub's documented test vector: secret "It's a Secret to Everybody", body "Hello, World!"
    assertThat(WebhookSignatures.sign(bytes("Hello, World!"), "It's a Secret to Everybody"))
        .isEqualTo("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }
}
