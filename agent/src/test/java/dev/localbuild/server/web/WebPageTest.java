package dev.localbuild.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildOutputs;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.BuildServer;
import dev.localbuild.server.api.ApiServer;
import dev.localbuild.server.api.Operations;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.DeliveryStore;
import dev.localbuild.server.store.KeyStore;
import dev.localbuild.server.store.ProjectStore;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page's server side on the embedded database, through HTTP as a browser reaches it: the
 * sign-in and its cookie, CSRF, pages of builds and of logs, the live log's events and their
 * resumption, downloads. (The page itself runs in a real browser in WebPageIT.)
 */
@Timeout(60)
class WebPageTest {
  @TempDir Path data;
  Vertx vertx;
  Database db;
  BuildStore builds;
  KeyStore keys;
  ApiServer server;
  String base;
  KeyStore.Issued key;
  HttpClient browser;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    db = Database.open(data, null);
    builds = new BuildStore(db);
    keys = new KeyStore(db, data, BuildServer.ACCOUNT);
    key = keys.create();
    ProjectStore projects = new ProjectStore(db);
    projects.create("web", json("{\"name\":\"web\",\"source\":{\"type\":\"NO_SOURCE\"}}"));
    server =
        new ApiServer(
            vertx,
            null,
            null,
            null,
            keys::find,
            m -> {},
            Operations.none(),
            new WebPage(
                    vertx, keys::find, projects, builds, new DeliveryStore(db), null, data, m -> {})
                ::mount);
    base = "http://127.0.0.1:" + server.listen("127.0.0.1", 0);
    browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
  }

  @AfterEach
  void stop() throws Exception {
    browser.close();
    server.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    db.close();
  }

  static ObjectNode json(String text) throws Exception {
    return (ObjectNode) RecordJson.MAPPER.readTree(text);
  }

  HttpResponse<String> get(String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String signIn() throws Exception {
    HttpResponse<String> r =
        post(
            "/ui/api/signin",
            RecordJson.MAPPER
                .createObjectNode()
                .put("accessKeyId", key.accessKeyId())
                .put("secretAccessKey", key.secretAccessKey())
                .toString(),
            Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RecordJson.MAPPER.readTree(r.body()).path("csrfToken").asText();
  }

  void build(String id, long number, String status, String request) throws Exception {
    builds.insert(
        new BuildStore.Row(
            id,
            "web",
            number,
            status,
            json(
                "{\"id\":\""
                    + id
                    + "\",\"buildStatus\":\""
                    + status
                    + "\",\"initiator\":\"me\",\"sourceVersion\":\"main\","
                    + "\"startTime\":\"2026-12-02T10:00:00.000000+00:00\",\"phases\":[]}"),
            json(request)),
        null);
  }

  @Test
  void thePageIsServedWithAStrictPolicyAndNothingElseWithoutSigningIn() throws Exception {
    HttpResponse<String> page = get("/ui/");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("<title>localbuild</title>").contains("/ui/app.js");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(get("/ui/app.js").headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).contains("/ui/");
    for (String path :
        List.of("/ui/api/me", "/ui/api/projects", "/ui/api/builds", "/ui/api/builds/web:1/log")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).contains("Sign in with one of the server's access keys");
    }
    assertThat(get("/ui/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void signInTakesAKeyAndSecretAndGivesAnHttpOnlySameSiteCookie() throws Exception {
    HttpResponse<String> wrong =
        post(
            "/ui/api/signin",
            "{\"accessKeyId\":\"" + key.accessKeyId() + "\",\"secretAccessKey\":\"nope\"}",
            Map.of());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> unknown =
        post(
            "/ui/api/signin",
            "{\"accessKeyId\":\"AKIAUNKNOWN\",\"secretAccessKey\":\"nope\"}",
            Map.of());
    assertThat(unknown.body()).isEqualTo(wrong.body()); // which key ids exist is not told
    HttpResponse<String> elsewhere =
        post(
            "/ui/api/signin",
            "{\"accessKeyId\":\"" + key.accessKeyId() + "\",\"secretAccessKey\":\"x\"}",
            Map.of("Origin", "https://evil.example"));
    assertThat(elsewhere.statusCode()).isEqualTo(403);

    HttpResponse<String> ok =
        post(
            "/ui/api/signin",
            RecordJson.MAPPER
                .createObjectNode()
                .put("accessKeyId", key.accessKeyId())
                .put("secretAccessKey", key.secretAccessKey())
                .toString(),
            Map.of());
    assertThat(ok.statusCode()).isEqualTo(200);
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith(WebSessions.COOKIE + "=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict");
    JsonNode me = RecordJson.MAPPER.readTree(get("/ui/api/me").body());
    assertThat(me.path("accessKeyId").asText()).isEqualTo(key.accessKeyId());
    assertThat(me.path("csrfToken").asText()).hasSizeGreaterThan(30);
    assertThat(get("/ui/api/projects").body()).contains("\"name\":\"web\"");

    // a revoked key's session ends at its next request
    keys.revoke(key.accessKeyId());
    assertThat(get("/ui/api/projects").statusCode()).isEqualTo(401);
    assertThat(get("/ui/api/me").statusCode()).isEqualTo(401);
  }

  @Test
  void aChangeNeedsTheSessionsCsrfTokenAndThisOrigin() throws Exception {
    build("web:1", 1, "IN_PROGRESS", "{}");
    String csrf = signIn();
    assertThat(post("/ui/api/builds/web:1/stop", "{}", Map.of()).statusCode()).isEqualTo(403);
    assertThat(
            post("/ui/api/builds/web:1/stop", "{}", Map.of(WebSessions.CSRF_HEADER, "forged"))
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> crossSite =
        post(
            "/ui/api/builds/web:1/stop",
            "{}",
            Map.of(WebSessions.CSRF_HEADER, csrf, "Origin", "https://evil.example"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.body()).contains("CSRF");
    HttpResponse<String> out = post("/ui/api/signout", "{}", Map.of(WebSessions.CSRF_HEADER, csrf));
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(get("/ui/api/builds").statusCode()).isEqualTo(401);
  }

  @Test
  void buildsComeAPageAtATimeWithTheirSummaryAndUntrustedFlag() throws Exception {
    for (int n = 1; n <= 120; n++) {
      build(
          "web:" + n,
          n,
          n == 120 ? "IN_PROGRESS" : "SUCCEEDED",
          n == 119 ? "{\"localbuild:untrusted\":true}" : "{}");
    }
    signIn();
    JsonNode first = RecordJson.MAPPER.readTree(get("/ui/api/builds?project=web").body());
    assertThat(first.path("builds")).hasSize(WebViews.BUILDS_PAGE);
    JsonNode newest = first.path("builds").get(0);
    assertThat(newest.path("id").asText()).isEqualTo("web:120");
    assertThat(newest.path("status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(newest.path("initiator").asText()).isEqualTo("me");
    assertThat(newest.path("sourceVersion").asText()).isEqualTo("main");
    assertThat(first.path("builds").get(1).path("untrusted").asBoolean()).isTrue();
    assertThat(newest.path("untrusted").asBoolean()).isFalse();
    List<String> ids = new ArrayList<>();
    String next = null;
    do {
      JsonNode page =
          RecordJson.MAPPER.readTree(
              get("/ui/api/builds" + (next == null ? "" : "?next=" + next)).body());
      page.path("builds").forEach(b -> ids.add(b.path("id").asText()));
      next = page.path("next").asText(null);
    } while (next != null);
    assertThat(ids).hasSize(120).doesNotHaveDuplicates();
    assertThat(get("/ui/api/builds?next=nonsense").statusCode()).isEqualTo(400);
    assertThat(get("/ui/api/builds/web:404").statusCode()).isEqualTo(404);
    JsonNode one = RecordJson.MAPPER.readTree(get("/ui/api/builds/web:119").body());
    assertThat(one.path("summary").path("untrusted").asBoolean()).isTrue();
    assertThat(one.path("build").path("id").asText()).isEqualTo("web:119");
  }

  @Test
  void aLongLogIsReadAPageAtATimeFromItsEnd() throws Exception {
    build("web:1", 1, "SUCCEEDED", "{}");
    for (int i = 1; i <= 2_500; i++) {
      builds.appendLog("web:1", i, i, i == 2_500 ? "\u001b[31mlast\u001b[0m" : "line " + i);
    }
    signIn();
    JsonNode tail = RecordJson.MAPPER.readTree(get("/ui/api/builds/web:1/log").body());
    assertThat(tail.path("lines")).hasSize(WebViews.LOG_PAGE);
    assertThat(tail.path("lines").get(0).path("seq").asLong()).isEqualTo(1_501);
    assertThat(tail.path("lines").get(999).path("html").asText())
        .isEqualTo("<span class=\"fg1\">last</span>");
    assertThat(tail.path("moreBefore").asBoolean()).isTrue();
    JsonNode before =
        RecordJson.MAPPER.readTree(get("/ui/api/builds/web:1/log?before=1501").body());
    assertThat(before.path("lines").get(0).path("seq").asLong()).isEqualTo(501);
    assertThat(before.path("lines").get(999).path("seq").asLong()).isEqualTo(1_500);
    JsonNode oldest = RecordJson.MAPPER.readTree(get("/ui/api/builds/web:1/log?before=501").body());
    assertThat(oldest.path("lines")).hasSize(500);
    assertThat(oldest.path("moreBefore").asBoolean()).isFalse();
    JsonNode after =
        RecordJson.MAPPER.readTree(get("/ui/api/builds/web:1/log?after=2490&limit=5").body());
    assertThat(after.path("lines")).hasSize(5);
    assertThat(after.path("moreAfter").asBoolean()).isTrue();
    assertThat(get("/ui/api/builds/web:1/log?after=x").statusCode()).isEqualTo(400);
  }

  /** The events of a live log, as a browser's EventSource reads them. */
  record Event(String id, String name, String data) {}

  BlockingQueue<Event> follow(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    headers.forEach(b::header);
    HttpResponse<InputStream> r =
        browser.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    Thread.ofPlatform()
        .daemon()
        .start(() -> {
          try (BufferedReader in =
              new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
              if (line.isEmpty()) {
                if (name != null) {
                  events.add(new Event(id, name, data.toString()));
                }
                id = null;
                name = null;
                data.setLength(0);
              } else if (line.startsWith("id: ")) {
                id = line.substring(4);
              } else if (line.startsWith("event: ")) {
                name = line.substring(7);
              } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
              }
            }
            events.add(new Event(null, "closed", ""));
          } catch (Exception e) {
            events.add(new Event(null, "closed", e.toString()));
          }
        });
    return events;
  }

  Event next(BlockingQueue<Event> events, String name) throws Exception {
    while (true) {
      Event e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("waiting for " + name).isNotNull();
      if (e.name().equals(name)) {
        return e;
      }
      assertThat(e.name()).as(e.toString()).isNotEqualTo("closed");
    }
  }

  @Test
  void theLiveLogSendsLinesAsTheyComeAndResumesWhereTheBrowserLeftOff() throws Exception {
    build("web:1", 1, "IN_PROGRESS", "{}");
    builds.appendLog("web:1", 1, 1, "before the page opened");
    signIn();
    BlockingQueue<Event> events = follow("/ui/api/builds/web:1/events?after=1", Map.of());
    assertThat(RecordJson.MAPPER.readTree(next(events, "build").data()).path("status").asText())
        .isEqualTo("IN_PROGRESS");
    builds.appendLog("web:1", 2, 2, "\u001b[32mcompiling\u001b[0m");
    Event lines = next(events, "lines");
    assertThat(lines.id()).isEqualTo("2");
    assertThat(RecordJson.MAPPER.readTree(lines.data()).get(0).path("html").asText())
        .isEqualTo("<span class=\"fg2\">compiling</span>");
    for (int i = 3; i <= 502; i++) {
      builds.appendLog("web:1", i, i, "burst " + i);
    }
    List<Long> seen = new ArrayList<>();
    while (seen.isEmpty() || seen.getLast() < 502) {
      RecordJson.MAPPER
          .readTree(next(events, "lines").data())
          .forEach(l -> seen.add(l.path("seq").asLong()));
    }
    assertThat(seen).hasSize(500).doesNotHaveDuplicates().isSorted();

    // a browser that reconnects says the last id it saw and gets only what came after
    builds.appendLog("web:1", 503, 503, "while away");
    BlockingQueue<Event> again =
        follow("/ui/api/builds/web:1/events", Map.of("Last-Event-ID", "502"));
    Event resumed = next(again, "lines");
    assertThat(RecordJson.MAPPER.readTree(resumed.data())).hasSize(1);
    assertThat(resumed.id()).isEqualTo("503");
    assertThat(RecordJson.MAPPER.readTree(next(again, "build").data()).path("status").asText())
        .isEqualTo("IN_PROGRESS");

    builds.appendLog("web:1", 504, 504, "the last line");
    builds.update(
        "web:1",
        "FAILED",
        json(
            "{\"id\":\"web:1\",\"buildStatus\":\"FAILED\",\"endTime\":\"2026-12-02T10:01:00.000000+00:00\"}"));
    assertThat(RecordJson.MAPPER.readTree(next(again, "build").data()).path("status").asText())
        .isEqualTo("FAILED");
    Event end = next(again, "end");
    assertThat(RecordJson.MAPPER.readTree(end.data()).path("lastSeq").asLong()).isEqualTo(504);
    assertThat(next(again, "closed")).isNotNull();
    // the first follower ends too, and neither watches the build any more
    next(events, "end");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (builds.changes().watched() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(builds.changes().watched()).isZero();
  }

  @Test
  void reportsAndArtifactsAreReadAndDownloadedFromTheBuildsOwnDirectories() throws Exception {
    build("web:3", 3, "FAILED", "{}");
    Path reports = Files.createDirectories(BuildOutputs.keptReports(data, "web", 3));
    Files.writeString(
        reports.resolve("unit-tests.json"),
        "{\"name\":\"unit-tests\",\"type\":\"TEST\",\"status\":\"FAILED\","
            + "\"testSummary\":{\"total\":4,\"statusCounts\":{\"SUCCEEDED\":2,\"FAILED\":1,\"SKIPPED\":1}},"
            + "\"testCases\":[{\"name\":\"test_add\",\"prefix\":\"tests.test_calc.CalcTest\","
            + "\"status\":\"FAILED\",\"message\":\"AssertionError: -1 != 5\"},"
            + "{\"name\":\"test_divide\",\"status\":\"SUCCEEDED\"}]}");
    Path artifacts = Files.createDirectories(BuildOutputs.keptArtifacts(data, "web", 3));
    Files.write(artifacts.resolve("artifacts.zip"), new byte[] {'P', 'K', 3, 4});
    Files.writeString(data.resolve("secret.zip"), "not the build's");
    signIn();
    JsonNode b = RecordJson.MAPPER.readTree(get("/ui/api/builds/web:3").body());
    JsonNode report = b.path("reports").get(0);
    assertThat(report.path("testSummary").path("total").asInt()).isEqualTo(4);
    assertThat(report.path("failing")).hasSize(1);
    assertThat(report.path("failing").get(0).path("name").asText()).isEqualTo("test_add");
    assertThat(report.path("failing").get(0).path("message").asText())
        .isEqualTo("AssertionError: -1 != 5");
    assertThat(b.path("artifacts").get(0).path("name").asText()).isEqualTo("artifacts.zip");
    assertThat(b.path("artifacts").get(0).path("size").asLong()).isEqualTo(4);
    HttpResponse<String> zip = get("/ui/api/builds/web:3/files/artifacts/artifacts.zip");
    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(zip.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("artifacts.zip");
    assertThat(get("/ui/api/builds/web:3/files/reports/unit-tests.json").body())
        .contains("test_add");
    for (String bad :
        List.of("artifacts/..%2F..%2F..%2Fsecret.zip", "artifacts/secret.zip", "state/x.zip")) {
      assertThat(get("/ui/api/builds/web:3/files/" + bad).statusCode()).as(bad).isEqualTo(404);
    }
  }
}
