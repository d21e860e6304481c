package dev.localbuild.server.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.store.BuildStore;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/api/builds/:id/events}: a build followed as server-sent events. {@code lines}
 * carries new log lines (its id is the last line's sequence, so a browser that reconnects sends it
 * back in {@code Last-Event-ID} and misses nothing), {@code build} the status and phases when they
 * change, {@code end} that the build is over and every line was sent.
 *
 * <p>The store wakes a follower when its build changes; the follower reads what is new in one
 * query, so a thousand lines a second cost a few reads, not a thousand. It also reads every two
 * seconds (another agent's writes do not wake it) and stops reading while the browser is behind.
 */
final class LiveLog {
  static final long TICK_MILLIS = 2_000;
  private static final int BATCH = 1_000;
  private static final long HEARTBEAT_MILLIS = 15_000;
  private static final Set<String> FINAL =
      Set.of("SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED");
  private final BuildStore builds;

  LiveLog(BuildStore builds) {
    this.builds = builds;
  }

  void follow(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    long after;
    try {
      String resume = ctx.request().getHeader("Last-Event-ID");
      String from = resume != null ? resume : ctx.request().getParam("after");
      after = from == null || from.isEmpty() ? 0 : Long.parseLong(from.trim());
    } catch (NumberFormatException e) {
      WebJson.error(ctx, 400, "Last-Event-ID and after are log sequences (numbers)");
      return;
    }
    HttpServerResponse res = ctx.response();
    res.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
    res.write("retry: 2000\n\n");
    new Follower(ctx.vertx().getOrCreateContext(), res, id, after).start();
  }

  /** One browser following one build; its state is touched on its context only. */
  private final class Follower {
    private final Context context;
    private final HttpServerResponse res;
    private final String id;
    private final AtomicBoolean woken = new AtomicBoolean();
    private long lastSeq;
    private @Nullable String lastBuild;
    private boolean reading;
    private boolean again;
    private boolean closed;
    private boolean finalSeen;
    private boolean ending;
    private long lastWrite = System.currentTimeMillis();
    private @Nullable AutoCloseable watch;
    private long timer;

    Follower(Context context, HttpServerResponse res, String id, long after) {
      this.context = context;
      this.res = res;
      this.id = id;
      this.lastSeq = after;
    }

    void start() {
      context.runOnContext(v -> {
        res.closeHandler(x -> stop());
        watch =
            builds
                .changes()
                .watch(
                    id,
                    () -> {
                      if (woken.compareAndSet(false, true)) {
                        context.runOnContext(x -> {
                          woken.set(false);
                          read();
                        });
                      }
                    });
        timer = context.owner().setPeriodic(TICK_MILLIS, t -> tick());
        read();
      });
    }

    private void tick() {
      if (System.currentTimeMillis() - lastWrite > HEARTBEAT_MILLIS) {
        write(": ping\n\n"); // keeps proxies from closing an idle stream
      }
      // the record said the build is over a tick ago: the last lines are in by now
      ending = finalSeen;
      read();
    }

    private void read() {
      if (closed) {
        return;
      }
      if (reading || res.writeQueueFull()) {
        again = true;
        if (res.writeQueueFull()) {
          res.drainHandler(v -> read());
        }
        return;
      }
      reading = true;
      again = false;
      long from = lastSeq;
      context
          .owner()
          .executeBlocking(
              () -> new Batch(builds.log(id, from, Long.MAX_VALUE, BATCH, true), builds.get(id)),
              false)
          .onComplete(ar -> {
            reading = false;
            if (closed) {
              return;
            }
            if (ar.failed()) {
              return; // the next tick reads again
            }
            Batch b = ar.result();
            send(b);
            if (again || b.lines().size() == BATCH) {
              read();
            } else if (ending) {
              end();
            }
          });
    }

    private void send(Batch b) {
      if (!b.lines().isEmpty()) {
        ArrayNode lines = WebViews.lines(b.lines());
        lastSeq = b.lines().getLast().seq();
        write("id: " + lastSeq + "\nevent: lines\ndata: " + lines + "\n\n");
      }
      if (b.row().isEmpty()) {
        write("event: gone\ndata: {}\n\n");
        end();
        return;
      }
      BuildStore.Row row = b.row().get();
      ObjectNode state = WebViews.summary(row);
      state.set("phases", row.record().path("phases"));
      String text = state.toString();
      if (!text.equals(lastBuild)) {
        lastBuild = text;
        write("event: build\ndata: " + text + "\n\n");
      }
      finalSeen = FINAL.contains(row.status());
    }

    private void end() {
      if (!closed) {
        write(
            "event: end\ndata: "
                + RecordJson.MAPPER.createObjectNode().put("lastSeq", lastSeq)
                + "\n\n");
        res.end();
        stop();
      }
    }

    private void write(String event) {
      if (!closed) {
        lastWrite = System.currentTimeMillis();
        res.write(event);
      }
    }

    private void stop() {
      if (closed) {
        return;
      }
      closed = true;
      context.owner().cancelTimer(timer);
      if (watch != null) {
        try {
          watch.close();
        } catch (Exception e) {
          // nothing held
        }
      }
    }
  }

  private record Batch(List<BuildStore.LogLine> lines, Optional<BuildStore.Row> row) {}
}
