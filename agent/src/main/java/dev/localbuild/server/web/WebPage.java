package dev.localbuild.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.localaws.auth.AccessKey;
import dev.localbuild.server.api.CodeBuildApi;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.DeliveryStore;
import dev.localbuild.server.store.ProjectStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The web page, served by the server itself under {@code /ui/}: a page of its own (HTML, script,
 * stylesheet from the jar) and the JSON it reads under {@code /ui/api/}, all of it behind a sign-in
 * but the page's shell and the sign-in itself. Builds are started, stopped and retried through
 * CodeBuild's own operations, so the page and the AWS CLI behave alike.
 */
public final class WebPage {
  private static final Map<String, String> ASSETS =
      Map.of(
          "", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8");
  // the page's own script and styles only; style attributes carry log colours
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";
  private final WebSessions sessions;
  private final WebViews views;
  private final LiveLog live;
  private final CodeBuildApi codebuild;
  private final Consumer<String> log;
  private final Map<String, Buffer> assets = new java.util.HashMap<>();

  public WebPage(
      Vertx vertx,
      Function<String, Optional<AccessKey>> keys,
      ProjectStore projects,
      BuildStore builds,
      DeliveryStore deliveries,
      CodeBuildApi codebuild,
      Path state,
      Consumer<String> log) {
    this.sessions = new WebSessions(vertx, keys);
    this.views = new WebViews(projects, builds, deliveries, state);
    this.live = new LiveLog(builds);
    this.codebuild = codebuild;
    this.log = log;
    for (String name : ASSETS.keySet()) {
      assets.put(name, Buffer.buffer(asset(name.isEmpty() ? "index.html" : name)));
    }
  }

  /** A build's page, for links from elsewhere (a commit status' "Details"). */
  public static String link(String baseUrl, String buildId) {
    return baseUrl
        + "/ui/#/builds/"
        + java.net.URLEncoder.encode(buildId, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Adds the page's routes. */
  public void mount(Router router) {
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    router.get("/ui/").handler(this::asset);
    router.get("/ui/:asset").handler(this::asset);
    router.route("/ui/api/*").handler(sessions.handler());
    router.post("/ui/api/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post("/ui/api/signin").handler(sessions::signIn);
    router.route("/ui/api/*").blockingHandler(sessions::guard, false);
    router.get("/ui/api/me").handler(sessions::me);
    router.post("/ui/api/signout").handler(sessions::signOut);
    router.get("/ui/api/projects").blockingHandler(read(views::projects), false);
    router.get("/ui/api/projects/:name/deliveries").blockingHandler(read(views::deliveries), false);
    router.get("/ui/api/builds").blockingHandler(read(views::builds), false);
    router.get("/ui/api/builds/:id").blockingHandler(read(views::build), false);
    router.get("/ui/api/builds/:id/log").blockingHandler(read(views::log), false);
    router.get("/ui/api/builds/:id/events").handler(live::follow);
    router
        .get("/ui/api/builds/:id/files/:kind/:name")
        .blockingHandler(read(views::download), false);
    router.post("/ui/api/projects/:name/start").blockingHandler(this::start, false);
    router.post("/ui/api/builds/:id/stop").blockingHandler(this::stop, false);
    router.post("/ui/api/builds/:id/retry").blockingHandler(this::retry, false);
    router.route("/ui/api/*").handler(ctx -> WebJson.error(ctx, 404, "No such page"));
  }

  private void asset(RoutingContext ctx) {
    String name = ctx.pathParam("asset") == null ? "" : ctx.pathParam("asset");
    Buffer body = assets.get(name);
    if (body == null) {
      ctx.next();
      return;
    }
    ctx.response()
        .putHeader("Content-Type", ASSETS.get(name))
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Cache-Control", "no-cache")
        .end(body);
  }

  /** {@code POST /ui/api/projects/:name/start}: StartBuild, with the page's overrides. */
  private void start(RoutingContext ctx) {
    ObjectNode in = WebJson.body(ctx);
    if (in == null) {
      WebJson.error(ctx, 400, "The request body is not a JSON object");
      return;
    }
    ObjectNode req = RecordJson.MAPPER.createObjectNode().put("projectName", ctx.pathParam("name"));
    String version = in.path("sourceVersion").asText("").trim();
    if (!version.isEmpty()) {
      req.put("sourceVersion", version);
    }
    call(ctx, "StartBuild", req);
  }

  private void stop(RoutingContext ctx) {
    call(ctx, "StopBuild", RecordJson.MAPPER.createObjectNode().put("id", ctx.pathParam("id")));
  }

  private void retry(RoutingContext ctx) {
    call(ctx, "RetryBuild", RecordJson.MAPPER.createObjectNode().put("id", ctx.pathParam("id")));
  }

  /** A CodeBuild operation as the signed-in key; its error's message is the page's. */
  private void call(RoutingContext ctx, String operation, ObjectNode req) {
    try {
      JsonNode out = codebuild.call(operation, req, WebSessions.caller(ctx));
      WebJson.reply(
          ctx,
          200,
          RecordJson.MAPPER.createObjectNode().put("id", out.path("build").path("id").asText()));
    } catch (ApiException e) {
      WebJson.error(ctx, e.status() >= 500 ? e.status() : 400, e.getMessage());
    } catch (Exception e) {
      log.accept("internal error in the web page's " + operation + ": " + e);
      WebJson.error(ctx, 500, "The server failed: " + e.getMessage());
    }
  }

  /** A reading handler: a failure is logged and answered, never a hung request. */
  private io.vertx.core.Handler<RoutingContext> read(Reader reader) {
    return ctx -> {
      try {
        reader.read(ctx);
      } catch (Exception e) {
        log.accept("internal error in the web page's " + ctx.request().path() + ": " + e);
        WebJson.error(ctx, 500, "The server failed: " + e.getMessage());
      }
    };
  }

  @FunctionalInterface
  private interface Reader {
    void read(RoutingContext ctx) throws Exception;
  }

  private static byte[] asset(String name) {
    try (InputStream in = WebPage.class.getResourceAsStream("assets/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no web asset " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
