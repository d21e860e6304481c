package dev.localbuild.server.web;

import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.localaws.auth.AccessKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sign-in to the web page with one of the server's access keys (its id and secret, as the AWS CLI
 * takes them). A signed-in browser holds a session cookie (HttpOnly, SameSite=Strict); every
 * request that changes something must also carry the session's CSRF token in {@code X-CSRF-Token},
 * which a page on another site cannot read. A revoked key ends its sessions at their next request.
 */
final class WebSessions {
  static final String COOKIE = "localbuild-session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Duration IDLE = Duration.ofHours(8);
  private static final String KEY = "accessKeyId";
  private static final String CSRF = "csrf";
  private final Function<String, Optional<AccessKey>> keys;
  private final SecureRandom random = new SecureRandom();
  private final SessionHandler handler;

  WebSessions(Vertx vertx, Function<String, Optional<AccessKey>> keys) {
    this.keys = keys;
    this.handler =
        SessionHandler.create(LocalSessionStore.create(vertx))
            .setSessionCookieName(COOKIE)
            .setSessionCookiePath("/")
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setSessionTimeout(IDLE.toMillis());
  }

  /** Reads and writes the session cookie: on every page request, before the others. */
  SessionHandler handler() {
    return handler;
  }

  /** {@code POST /ui/api/signin}: {@code {"accessKeyId", "secretAccessKey"}}. */
  void signIn(RoutingContext ctx) {
    if (!sameOrigin(ctx) || !isJson(ctx)) {
      WebJson.error(ctx, 403, "Sign in from the server's own page");
      return;
    }
    var in = WebJson.body(ctx);
    String id = in == null ? "" : in.path("accessKeyId").asText("").trim();
    String secret = in == null ? "" : in.path("secretAccessKey").asText("").trim();
    Optional<AccessKey> key = id.isEmpty() ? Optional.empty() : keys.apply(id);
    if (key.isEmpty()
        || !key.get().isRoot()
        || !MessageDigest.isEqual(
            key.get().secretAccessKey().getBytes(StandardCharsets.UTF_8),
            secret.getBytes(StandardCharsets.UTF_8))) {
      // one answer for both: which key ids exist is not for a stranger to learn
      WebJson.error(ctx, 401, "The access key ID or secret access key is not right");
      return;
    }
    Session s = ctx.session();
    s.regenerateId(); // a session id planted before sign-in is worth nothing after it
    s.put(KEY, id);
    s.put(CSRF, token());
    WebJson.reply(ctx, 200, me(s));
  }

  /** {@code POST /ui/api/signout}. */
  void signOut(RoutingContext ctx) {
    ctx.session().destroy();
    WebJson.reply(ctx, 200, RecordJson.MAPPER.createObjectNode());
  }

  /** {@code GET /ui/api/me}: who is signed in and the CSRF token, or 401. */
  void me(RoutingContext ctx) {
    WebJson.reply(ctx, 200, me(ctx.session()));
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode me(Session s) {
    return RecordJson.MAPPER
        .createObjectNode()
        .put(KEY, (String) s.get(KEY))
        .put("csrfToken", (String) s.get(CSRF));
  }

  /**
   * Lets through a signed-in session whose key still stands; a request that changes something also
   * needs the session's CSRF token. Runs off the event loop: the key is read from the store.
   */
  void guard(RoutingContext ctx) {
    Session s = ctx.session();
    String id = s == null ? null : s.get(KEY);
    if (id == null || keys.apply(id).isEmpty()) {
      if (s != null && id != null) {
        s.destroy();
      }
      WebJson.error(ctx, 401, "Sign in with one of the server's access keys");
      return;
    }
    if (!ctx.request().method().name().equals("GET")) {
      String sent = ctx.request().getHeader(CSRF_HEADER);
      String expected = s.get(CSRF);
      if (sent == null
          || expected == null
          || !MessageDigest.isEqual(
              sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))
          || !sameOrigin(ctx)) {
        WebJson.error(ctx, 403, "The request has no valid CSRF token: reload the page");
        return;
      }
    }
    ctx.put(KEY, id);
    ctx.next();
  }

  /** The access key id of the request's session, once {@link #guard} let it through. */
  static String caller(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** A browser names the page a request came from in Origin; it must be this server. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      return true; // not a browser's cross-site request: those always carry Origin on POST
    }
    String host = ctx.request().getHeader("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
