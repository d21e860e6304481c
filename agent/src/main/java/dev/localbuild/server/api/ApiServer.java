package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.localaws.auth.AccessKey;
import dev.localbuild.localaws.auth.ErrorShapes;
import dev.localbuild.localaws.auth.SigV4Verifier;
import dev.localbuild.localaws.auth.SignedRequest;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.webhook.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The server's HTTP face: CodeBuild's and CloudWatch Logs' JSON 1.1 APIs on {@code POST /},
 * dispatched by {@code X-Amz-Target}, every request SigV4-verified against the server's keys; Git
 * hosts' webhook deliveries on {@code POST /webhooks/<project>}, verified with the webhook's
 * secret; an unauthenticated {@code GET /health} for load balancers; the web page under {@code
 * /ui/}.
 */
public final class ApiServer implements AutoCloseable {
  /** Requests larger than this are refused before they are read whole. */
  static final long MAX_BODY = 1L << 20;

  private static final Duration SKEW = Duration.ofMinutes(5);
  private final Vertx vertx;
  private final CodeBuildApi codebuild;
  private final LogsApi logs;
  private final SigV4Verifier verifier;
  private final Consumer<String> log;
  private final WebhookReceiver webhooks;
  private final Operations ops;
  private final Consumer<Router> pages;
  private HttpServer server;

  public ApiServer(
      Vertx vertx,
      CodeBuildApi codebuild,
      LogsApi logs,
      WebhookReceiver webhooks,
      Function<String, Optional<AccessKey>> keys,
      Consumer<String> log,
      Operations ops,
      Consumer<Router> pages) {
    this.vertx = vertx;
    this.pages = pages;
    this.ops = ops;
    this.codebuild = codebuild;
    this.logs = logs;
    this.webhooks = webhooks;
    this.verifier = new SigV4Verifier(keys, Clock.systemUTC());
    this.log = log;
  }

  /** Listens; returns the port. */
  public int listen(String bind, int port) throws Exception {
    Router router = Router.router(vertx);
    // checks reach the database and the engine: off the event loop
    router.get("/health").blockingHandler(this::health, false);
    router
        .get("/metrics")
        .blockingHandler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(ops.scrape().get()),
            false);
    // Git hosts' deliveries: signed with the webhook's secret, not with SigV4
    router.post("/webhooks/:project").handler(BodyHandler.create().setBodyLimit(MAX_BODY));
    router.post("/webhooks/:project").blockingHandler(this::webhook, false);
    // the web page (GET /, /ui/...), signed in with a session cookie
    pages.accept(router);
    router.post("/").handler(BodyHandler.create().setBodyLimit(MAX_BODY));
    // stores are JDBC: the work runs off the event loop
    router.post("/").blockingHandler(this::handle, false);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(port, bind)
            .await(30, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private void handle(RoutingContext ctx) {
    String target = ctx.request().getHeader("X-Amz-Target");
    try {
      AccessKey key = authenticate(ctx);
      ObjectNode in = body(ctx);
      JsonNode out;
      if (target == null || !target.contains(".")) {
        throw new ApiException(
            "UnknownOperationException", "Missing or malformed X-Amz-Target: " + target);
      }
      String service = target.substring(0, target.indexOf('.'));
      String operation = target.substring(target.indexOf('.') + 1);
      out =
          switch (service) {
            case "CodeBuild_20161006" -> codebuild.call(operation, in, key.accessKeyId());
            case "Logs_20140328" -> logs.call(operation, in);
            default ->
                throw new ApiException("UnknownOperationException", "Unknown operation " + target);
          };
      reply(ctx, 200, ApiShapes.wire(out));
      count(target, "none");
    } catch (ApiException e) {
      error(ctx, e.status(), e.type(), e.getMessage());
      count(target, e.type());
    } catch (Exception e) {
      count(target, "InternalFailure");
      log.accept("internal error in " + target + ": " + e);
      error(
          ctx,
          500,
          "InternalFailure",
          "The server failed to process the request: " + e.getMessage());
    }
  }

  /** 200 when every dependency answers, else 503; each one's state either way. */
  private void health(RoutingContext ctx) {
    Map<String, String> checks = ops.health().get();
    boolean ok = checks.values().stream().allMatch("ok"::equals);
    ObjectNode body = RecordJson.MAPPER.createObjectNode().put("status", ok ? "ok" : "failing");
    checks.forEach(body::put);
    ctx.response()
        .setStatusCode(ok ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }

  private void webhook(RoutingContext ctx) {
    String project = ctx.pathParam("project");
    try {
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      WebhookReceiver.Answer a = webhooks.receive(project, ctx.request()::getHeader, body);
      ops.registry()
          .counter(
              "localbuild.webhook.deliveries",
              "result",
              a.body().path("result").asText(),
              "provider",
              a.body().path("provider").asText("UNKNOWN"))
          .increment();
      ctx.response()
          .setStatusCode(a.status())
          .putHeader("Content-Type", "application/json")
          .end(a.body().toString());
    } catch (Exception e) {
      log.accept("internal error in a webhook delivery for " + project + ": " + e);
      ctx.response()
          .setStatusCode(500)
          .putHeader("Content-Type", "application/json")
          .end("{\"result\":\"ERROR\"}");
    }
  }

  private void count(String target, String error) {
    String operation = target == null ? "none" : target.substring(target.indexOf('.') + 1);
    if (operation.length() > 64 || !operation.matches("[A-Za-z]*")) {
      operation = "invalid"; // a caller's junk must not make a meter per request
    }
    ops.registry()
        .counter("localbuild.api.requests", "operation", operation, "error", error)
        .increment();
  }

  private AccessKey authenticate(RoutingContext ctx) throws ApiException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ctx.request()
        .headers()
        .forEach(
            h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
    if (ctx.request().getHeader("Host") == null && ctx.request().authority() != null) {
      // HTTP/2 names the host in :authority, signed as host
      headers.put("host", List.of(ctx.request().authority().toString()));
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    SigV4Verifier.Verdict v =
        verifier.verify(
            new SignedRequest(
                ctx.request().method().name(),
                ctx.request().path(),
                ctx.request().query(),
                headers,
                sha256(body)),
            SKEW);
    return switch (v) {
      case SigV4Verifier.Signed s -> s.key();
      case SigV4Verifier.Refused r -> {
        ErrorShapes.Shape shape = ErrorShapes.json(r.failure());
        throw new ApiException(shape.code(), shape.message(), shape.status());
      }
    };
  }

  private static ObjectNode body(RoutingContext ctx) throws ApiException {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      return RecordJson.MAPPER.createObjectNode();
    }
    try {
      JsonNode n = RecordJson.MAPPER.readTree(text);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (java.io.IOException e) {
      // answered below
    }
    throw new ApiException("SerializationException", "The request body is not a JSON object");
  }

  private static void reply(RoutingContext ctx, int status, JsonNode body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .end(body.toString());
  }

  private static void error(RoutingContext ctx, int status, String type, String message) {
    ObjectNode e = RecordJson.MAPPER.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    ctx.response().putHeader("x-amzn-ErrorType", type);
    reply(ctx, status, e);
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.close().await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing anyway
      }
    }
  }
}
