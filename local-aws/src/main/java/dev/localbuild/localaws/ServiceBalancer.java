package dev.localbuild.localaws;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service's load balancer: one loopback port that sends each HTTP request to one of the service's
 * healthy tasks in turn, as an ALB target group does. A task leaving the service is taken out first
 * and stopped only once its requests in flight are done (connection draining), so a rolling
 * deployment loses no request.
 */
final class ServiceBalancer implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "transfer-encoding", "upgrade", "host");

  /** A healthy task's address. */
  record Target(String taskArn, int port) {}

  private final HttpServer server;
  private final HttpClient client;
  private final List<Target> targets = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final int port;

  private ServiceBalancer(HttpServer server, HttpClient client, int port) {
    this.server = server;
    this.client = client;
    this.port = port;
  }

  /** Starts a balancer on the given port (0 for any), falling back to any port when it is taken. */
  static ServiceBalancer start(Vertx vertx, int wanted) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    ServiceBalancer[] self = new ServiceBalancer[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].route(req));
    int port;
    try {
      port = server.listen(wanted, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      server = vertx.createHttpServer().requestHandler(req -> self[0].route(req));
      try {
        port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
      } catch (java.util.concurrent.TimeoutException t) {
        throw new IllegalStateException("cannot open a load balancer port on 127.0.0.1", t);
      }
    }
    self[0] = new ServiceBalancer(server, client, port);
    return self[0];
  }

  int port() {
    return port;
  }

  /** Sets the healthy targets (tasks not in the list stop receiving new requests). */
  void targets(List<Target> healthy) {
    targets.removeIf(t -> !healthy.contains(t));
    for (Target t : healthy) {
      if (!targets.contains(t)) {
        targets.add(t);
      }
    }
  }

  boolean hasTarget(String taskArn) {
    return targets.stream().anyMatch(t -> t.taskArn().equals(taskArn));
  }

  /** Takes a task out and waits (up to the timeout) until its requests in flight are done. */
  void drain(String taskArn, long timeoutMillis) throws InterruptedException {
    targets.removeIf(t -> t.taskArn().equals(taskArn));
    long until = System.currentTimeMillis() + timeoutMillis;
    AtomicInteger n = inFlight.get(taskArn);
    while (n != null && n.get() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    inFlight.remove(taskArn);
  }

  private void route(HttpServerRequest req) {
    List<Target> now = targets;
    if (now.isEmpty()) {
      req.response()
          .setStatusCode(503)
          .putHeader("Content-Type", "text/plain")
          .end("503 Service Temporarily Unavailable: no healthy task\n");
      return;
    }
    Target t = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
    AtomicInteger count = inFlight.computeIfAbsent(t.taskArn(), k -> new AtomicInteger());
    count.incrementAndGet();
    req.pause();
    Runnable done = count::decrementAndGet;
    client
        .request(
            new RequestOptions()
                .setMethod(req.method())
                .setHost("127.0.0.1")
                .setPort(t.port())
                .setURI(req.uri()))
        .onFailure(e -> fail(req, done))
        .onSuccess(up -> {
          req.headers()
              .forEach(h -> {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                  up.headers().add(h.getKey(), h.getValue());
                }
              });
          up.send(req)
              .onFailure(e -> fail(req, done))
              .onSuccess(res -> {
                var out = req.response().setStatusCode(res.statusCode());
                res.headers()
                    .forEach(h -> {
                      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                        out.headers().add(h.getKey(), h.getValue());
                      }
                    });
                if (res.getHeader("Content-Length") == null) {
                  out.setChunked(true);
                }
                res.pipeTo(out).onComplete(x -> done.run());
              });
        });
  }

  private static void fail(HttpServerRequest req, Runnable done) {
    done.run();
    if (!req.response().ended()) {
      req.response().setStatusCode(502).end("502 Bad Gateway\n");
    }
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
