package dev.localbuild.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /health} says which dependency fails; {@code /metrics} is the registry's text. */
class OperationsEndpointsTest {
  final Vertx vertx = Vertx.vertx();
  final Map<String, String> checks = new LinkedHashMap<>();
  ApiServer server;

  @AfterEach
  void close() throws Exception {
    server.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient c = HttpClient.newHttpClient()) {
      return c.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void healthIsServiceUnavailableWhileADependencyFailsAndNamesIt() throws Exception {
    server =
        new ApiServer(
            vertx,
            null,
            null,
            null,
            k -> Optional.empty(),
            m -> {},
            new Operations(
                Operations.none().registry(), () -> "localbuild_queue_length 3.0\n", () -> checks),
            router -> {});
    int port = server.listen("127.0.0.1", 0);
    checks.put("database", "ok");
    checks.put("docker", "ok");
    HttpResponse<String> ok = get(port, "/health");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"status\":\"ok\",\"database\":\"ok\",\"docker\":\"ok\"}");
    checks.put("docker", "Connection refused");
    HttpResponse<String> failing = get(port, "/health");
    assertThat(failing.statusCode()).isEqualTo(503);
    assertThat(failing.body())
        .isEqualTo(
            "{\"status\":\"failing\",\"database\":\"ok\",\"docker\":\"Connection refused\"}");
    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/plain");
    assertThat(metrics.body()).isEqualTo("localbuild_queue_length 3.0\n");
  }
}
