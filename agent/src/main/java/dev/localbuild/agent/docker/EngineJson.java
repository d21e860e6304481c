package dev.localbuild.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotAcceptableException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The engine's API in JSON trees, through docker-java's own transport (its connections to the
 * engine, its unix socket), for the requests every {@code localbuild run} makes as it starts: the
 * image's inspection, the container's creation, the engine's {@code info} and the stray reaper's
 * listings. docker-java's commands map their requests and answers with Jackson's data binding,
 * whose first use of each type (introspecting its model classes, a proxy class made for each
 * annotation type) cost a run about a tenth of a second before its container could be created; a
 * tree costs none of that. Failures are docker-java's own exceptions, made as its commands make
 * them, so callers see no difference.
 */
final class EngineJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EngineJson() {}

  /** An empty object to fill in, for a request's body. */
  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code GET path}: the answer's JSON. */
  static JsonNode get(DockerClient docker, String path) {
    return call(docker, DockerHttpClient.Request.Method.GET, path, null);
  }

  /** {@code POST path} with a JSON body: the answer's JSON. */
  static JsonNode post(DockerClient docker, String path, JsonNode body) {
    return call(docker, DockerHttpClient.Request.Method.POST, path, body);
  }

  /**
   * A name in a path or a query, escaped. An image's {@code /}, {@code :} and {@code @} stay as
   * they are, as the Docker CLI sends them; nothing a reference or a container name may hold needs
   * more, but anything else is percent-encoded rather than sent as it is.
   */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/:@".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static JsonNode call(
      DockerClient docker,
      DockerHttpClient.Request.Method method,
      String path,
      @Nullable JsonNode body) {
    var request = DockerHttpClient.Request.builder().method(method).path(path);
    if (body != null) {
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      request.putHeader("Content-Type", "application/json").bodyBytes(bytes);
    }
    try (DockerHttpClient.Response response = http(docker).execute(request.build());
        InputStream in = response.getBody()) {
      int status = response.getStatusCode();
      if (status < 200 || status > 299) {
        throw failure(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      JsonNode answer = JSON.readTree(in);
      return answer == null ? JSON.missingNode() : answer;
    } catch (IOException e) {
      // as docker-java's commands wrap it: DockerClients.unreachable finds the cause
      throw new RuntimeException(e);
    }
  }

  /** The exception docker-java's commands throw for this status, with the engine's answer. */
  static DockerException failure(int status, String body) {
    return switch (status) {
      case 304 -> new NotModifiedException(body);
      case 400 -> new BadRequestException(body);
      case 401 -> new UnauthorizedException(body);
      case 404 -> new NotFoundException(body);
      case 406 -> new NotAcceptableException(body);
      case 409 -> new ConflictException(body);
      case 500 -> new InternalServerErrorException(body);
      default -> new DockerException(body, status);
    };
  }

  private static DockerHttpClient http(DockerClient docker) {
    if (docker instanceof DockerClientImpl impl) {
      return impl.getHttpClient();
    }
    throw new IllegalArgumentException("not a docker-java client: " + docker.getClass());
  }
}
