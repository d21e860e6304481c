package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.webhook.WebhookSignatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Git host's deliveries to {@code localbuild serve}, end to end: the webhook made with the AWS
 * CLI, GitHub-signed deliveries over HTTP, builds of the event's commit with CodeBuild's webhook
 * variables, a redelivery that starts nothing, a filtered push, a forged one, and a fork's pull
 * request built untrusted.
 */
@Timeout(600)
class WebhookIT {
  static final String BUILDSPEC =
      """
      version: 0.2
      phases:
        build:
          commands:
            - echo "event=$CODEBUILD_WEBHOOK_EVENT head=$CODEBUILD_WEBHOOK_HEAD_REF base=$CODEBUILD_WEBHOOK_BASE_REF trigger=$CODEBUILD_WEBHOOK_TRIGGER actor=$CODEBUILD_WEBHOOK_ACTOR_ACCOUNT_ID"
            - echo "version=$CODEBUILD_SOURCE_VERSION resolved=$CODEBUILD_RESOLVED_SOURCE_VERSION initiator=$CODEBUILD_INITIATOR"
            - echo "marker=$(cat marker.txt)"
      """;

  @TempDir Path tmp;
  LocalbuildProcess server;
  String endpoint;
  JsonNode key;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
    ServeProcess.removeLocalAwsVolumes(tmp.resolve("home"));
  }

  String git(Path repo, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  ServeProcess.Cli aws(String... args) throws Exception {
    ServeProcess.Cli c =
        ServeProcess.aws(
            tmp,
            endpoint,
            key.path("accessKeyId").asText(),
            key.path("secretAccessKey").asText(),
            args);
    assertThat(c.exit()).as(String.join(" ", args) + ": " + c.err()).isZero();
    return c;
  }

  HttpResponse<String> deliver(
      String url, String event, String delivery, String body, String secret) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("User-Agent", "GitHub-Hookshot/044aadd")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", delivery)
            .header("X-Hub-Signature-256", "sha256=" + WebhookSignatures.sign(bytes, secret))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static String push(String ref, String before, String after) {
    return """
    {"ref": "%s", "before": "%s", "after": "%s", "deleted": false,
     "head_commit": {"id": "%s", "message": "change"},
     "commits": [{"added": [], "removed": [], "modified": ["marker.txt"]}],
     "sender": {"login": "octocat", "id": 583231}}
    """
        .formatted(ref, before, after, after);
  }

  JsonNode awaitBuild(String id) throws Exception {
    JsonNode b = null;
    for (int i = 0; i < 600; i++) {
      b = aws("codebuild", "batch-get-builds", "--ids", id).json().path("builds").get(0);
      if (b.path("buildComplete").asBoolean()) {
        return b;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError("build " + id + " did not end: " + b);
  }

  List<String> log(JsonNode build) throws Exception {
    JsonNode events =
        aws(
                "logs",
                "get-log-events",
                "--log-group-name",
                build.path("logs").path("groupName").asText(),
                "--log-stream-name",
                build.path("logs").path("streamName").asText(),
                "--start-from-head")
            .json()
            .path("events");
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.path("message").asText()));
    return out;
  }

  @Test
  void deliveriesBuildTheEventsCommitOnceWithCodeBuildsVariables() throws Exception {
    // a repository with two commits on main; the push names the first
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("buildspec.yml"), BUILDSPEC);
    Files.writeString(repo.resolve("marker.txt"), "one\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "one");
    String first = git(repo, "rev-parse", "HEAD");
    Files.writeString(repo.resolve("marker.txt"), "two\n");
    git(repo, "commit", "-q", "-am", "two");
    String second = git(repo, "rev-parse", "HEAD");

    // GitHub's statuses API, as a local receiver that records what it is sent
    List<String[]> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer github =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    github.createContext(
        "/",
        x -> {
          statuses.add(
              new String[] {
                x.getRequestMethod(),
                x.getRequestURI().getPath(),
                x.getRequestHeaders().getFirst("Authorization"),
                new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
              });
          x.sendResponseHeaders(201, -1);
          x.close();
        });
    github.start();

    Path home = Files.createDirectories(tmp.resolve("home"));
    // the project names its GitHub repository; git fetches it from the local one instead
    server =
        LocalbuildProcess.start(
            tmp,
            home,
            ServeProcess.gitInsteadOf(repo, "https://github.com/team/app.git"),
            "serve",
            "--port",
            "0",
            "--log-format",
            "json",
            "--git-api",
            "GITHUB=http://127.0.0.1:" + github.getAddress().getPort());
    endpoint = ServeProcess.endpoint(server);
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, home, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    key = RecordJson.MAPPER.readTree(keys.out());

    ObjectNode source =
        RecordJson.MAPPER
            .createObjectNode()
            .put("type", "GITHUB")
            .put("location", "https://github.com/team/app.git")
            .put("reportBuildStatus", true);
    aws(
        "codebuild",
        "create-project",
        "--name",
        "hooked",
        "--source",
        source.toString(),
        "--artifacts",
        "type=NO_ARTIFACTS",
        "--environment",
        "type=LINUX_CONTAINER,image=debian:bookworm,computeType=BUILD_GENERAL1_SMALL",
        "--service-role",
        "arn:aws:iam::000000000000:role/localbuild-build");
    aws(
        "codebuild",
        "import-source-credentials",
        "--token",
        "ghp_localbuildtest",
        "--server-type",
        "GITHUB",
        "--auth-type",
        "PERSONAL_ACCESS_TOKEN");
    JsonNode hook =
        aws(
                "codebuild",
                "create-webhook",
                "--project-name",
                "hooked",
                "--filter-groups",
                "[[{\"type\": \"EVENT\", \"pattern\": \"PUSH\"},"
                    + " {\"type\": \"HEAD_REF\", \"pattern\": \"^refs/heads/main$\"}],"
                    + " [{\"type\": \"EVENT\", \"pattern\": \"PULL_REQUEST_CREATED\"}]]")
            .json()
            .path("webhook");
    String url = hook.path("payloadUrl").asText();
    String secret = hook.path("secret").asText();
    assertThat(url).endsWith("/webhooks/hooked");
    url = endpoint + "/webhooks/hooked"; // the server binds to loopback here

    // a push to main: built at the pushed commit, not at the branch's head
    String delivery = UUID.randomUUID().toString();
    HttpResponse<String> accepted =
        deliver(url, "push", delivery, push("refs/heads/main", "0".repeat(40), first), secret);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode answer = RecordJson.MAPPER.readTree(accepted.body());
    assertThat(answer.path("result").asText()).isEqualTo("ACCEPTED");
    JsonNode built = awaitBuild(answer.path("buildId").asText());
    assertThat(built.path("buildStatus").asText()).as(built.toString()).isEqualTo("SUCCEEDED");
    assertThat(built.path("resolvedSourceVersion").asText()).isEqualTo(first);
    assertThat(built.path("initiator").asText()).isEqualTo("GitHub-Hookshot/044aadd");
    assertThat(log(built))
        .contains(
            "event=PUSH head=refs/heads/main base= trigger=branch/main actor=583231",
            "version=" + first + " resolved=" + first + " initiator=GitHub-Hookshot/044aadd",
            "marker=one");

    // GitHub heard of it: in progress, then success, on the pushed commit
    String statusPath = "/repos/team/app/statuses/" + first;
    for (int i = 0;
        i < 100 && statuses.stream().filter(r -> r[1].equals(statusPath)).count() < 2;
        i++) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    List<String[]> mine = statuses.stream().filter(r -> r[1].equals(statusPath)).toList();
    assertThat(mine).hasSize(2);
    for (String[] r : mine) {
      assertThat(r[0]).isEqualTo("POST");
      assertThat(r[2]).isEqualTo("token ghp_localbuildtest");
      assertThat(RecordJson.MAPPER.readTree(r[3]).path("context").asText())
          .isEqualTo("AWS CodeBuild us-east-1 (hooked)");
      // "Details" on the commit opens the build's page on this server
      assertThat(RecordJson.MAPPER.readTree(r[3]).path("target_url").asText())
          .startsWith("http://127.0.0.1:")
          .contains("/ui/#/builds/hooked%3A");
    }
    assertThat(RecordJson.MAPPER.readTree(mine.get(0)[3]).path("state").asText())
        .isEqualTo("pending");
    assertThat(RecordJson.MAPPER.readTree(mine.get(1)[3]).path("state").asText())
        .isEqualTo("success");

    // the host delivers it again: nothing new starts
    HttpResponse<String> again =
        deliver(url, "push", delivery, push("refs/heads/main", "0".repeat(40), first), secret);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"result\":\"DUPLICATE\"");
    // a push to another branch is filtered out, with the reason
    HttpResponse<String> filtered =
        deliver(
            url,
            "push",
            UUID.randomUUID().toString(),
            push("refs/heads/dev", first, second),
            secret);
    assertThat(filtered.statusCode()).isEqualTo(200);
    assertThat(RecordJson.MAPPER.readTree(filtered.body()).path("reason").asText())
        .isEqualTo(
            "group 1: HEAD_REF does not match ^refs/heads/main$ (refs/heads/dev); group 2: EVENT"
                + " does not match PULL_REQUEST_CREATED (PUSH)");
    // a delivery signed with another secret is refused; it does not take the delivery id it names
    // (the fork's pull request below is delivered with that id, and builds)
    String forgedId = UUID.randomUUID().toString();
    HttpResponse<String> forged =
        deliver(url, "push", forgedId, push("refs/heads/main", first, second), "guess");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("X-Hub-Signature-256 does not match");
    assertThat(
            aws("codebuild", "list-builds-for-project", "--project-name", "hooked")
                .json()
                .path("ids"))
        .hasSize(1);

    // a fork's pull request: built, untrusted, with the pull request's variables
    String pr =
        """
        {"action": "opened", "number": 7,
         "pull_request": {"number": 7, "merged": false,
           "head": {"ref": "patch-1", "sha": "%s", "repo": {"full_name": "stranger/app"}},
           "base": {"ref": "main", "sha": "%s", "repo": {"full_name": "team/app"}}},
         "sender": {"id": 99}}
        """
            .formatted(second, first);
    HttpResponse<String> fork = deliver(url, "pull_request", forgedId, pr, secret);
    assertThat(fork.statusCode()).as(fork.body()).isEqualTo(202);
    JsonNode forkAnswer = RecordJson.MAPPER.readTree(fork.body());
    assertThat(forkAnswer.path("reason").asText())
        .isEqualTo("a fork's pull request: built untrusted");
    JsonNode forkBuild = awaitBuild(forkAnswer.path("buildId").asText());
    assertThat(forkBuild.path("buildStatus").asText()).isEqualTo("SUCCEEDED");
    assertThat(log(forkBuild))
        .contains(
            "event=PULL_REQUEST_CREATED head=refs/heads/patch-1 base=refs/heads/main trigger=pr/7 actor=99",
            "marker=two")
        .anyMatch(l -> l.startsWith("version=pr/7 resolved=" + second));

    // what an operator sees: the server's health, and its metrics for Prometheus
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .isEqualTo("{\"status\":\"ok\",\"database\":\"ok\",\"docker\":\"ok\"}");
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains(
            "localbuild_builds_total{project=\"hooked\",status=\"SUCCEEDED\"} 2.0",
            "localbuild_webhook_deliveries_total{provider=\"GITHUB\",result=\"ACCEPTED\"} 2.0",
            "localbuild_webhook_deliveries_total{provider=\"GITHUB\",result=\"DUPLICATE\"} 1.0",
            "localbuild_webhook_deliveries_total{provider=\"GITHUB\",result=\"FILTERED\"} 1.0",
            "localbuild_webhook_deliveries_total{provider=\"GITHUB\",result=\"REFUSED\"} 1.0",
            "localbuild_api_requests_total{error=\"none\",operation=\"CreateWebhook\"} 1.0",
            "localbuild_queue_length 0.0",
            "localbuild_queue_wait_seconds_count 2",
            "localbuild_phase_duration_seconds_count{phase=\"BUILD\",status=\"SUCCEEDED\"} 2")
        .containsPattern("localbuild_log_lines_total [1-9][0-9]*\\.0");

    // the server's own log: a JSON object a line, and no secret in it
    for (String line : server.err().lines().toList()) {
      JsonNode entry = RecordJson.MAPPER.readTree(line);
      assertThat(entry.path("time").asText()).as(line).isNotEmpty();
      assertThat(entry.path("level").asText()).as(line).isIn("info", "warn", "error");
    }
    assertThat(server.err())
        .contains("serving CodeBuild's API on http://127.0.0.1:")
        .doesNotContain(secret, key.path("secretAccessKey").asText(), "ghp_localbuildtest");
    github.stop(0);
  }
}
