package dev.localbuild.agent.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The container credentials endpoint for builds on this machine (the host executor): loopback only,
 * a random path, and an authorization token the caller must present, as {@code
 * AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} describe.
 */
public final class HostCredentialsServer implements AutoCloseable {
  private final HttpServer server;
  private final String path;
  private final String token;

  public HostCredentialsServer(BuildCredentials credentials) throws IOException {
    SecureRandom r = new SecureRandom();
    byte[] b = new byte[16];
    r.nextBytes(b);
    path = "/credentials/" + HexFormat.of().formatHex(b);
    r.nextBytes(b);
    token = HexFormat.of().formatHex(b);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        path,
        exchange -> {
          byte[] body;
          int status;
          if (!token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            status = 401;
            body = "{\"message\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
          } else {
            status = 200;
            body = credentials.document().getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** The variables that point a build's SDKs here. */
  public Map<String, String> variables() {
    return Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:" + server.getAddress().getPort() + path,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        token);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
