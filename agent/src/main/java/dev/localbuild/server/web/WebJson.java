package dev.localbuild.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import io.vertx.ext.web.RoutingContext;
import org.jspecify.annotations.Nullable;

/** The web page's JSON: bodies in, answers and errors out. */
final class WebJson {
  private WebJson() {}

  /** The request's JSON object, or null when it has none (or not an object). */
  static @Nullable ObjectNode body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return RecordJson.MAPPER.createObjectNode();
    }
    try {
      return RecordJson.MAPPER.readTree(text) instanceof ObjectNode o ? o : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static void reply(RoutingContext ctx, int status, JsonNode body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.toString());
  }

  /** {@code {"message": ...}} with the status: what the page shows the user. */
  static void error(RoutingContext ctx, int status, String message) {
    reply(ctx, status, RecordJson.MAPPER.createObjectNode().put("message", message));
  }
}
