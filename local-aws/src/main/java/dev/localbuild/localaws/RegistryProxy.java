package dev.localbuild.localaws;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local ECR's registry endpoint: the Docker registry API, streamed to the {@code registry:2}
 * behind it, for callers that present a token from {@code GetAuthorizationToken} (Basic auth, user
 * {@code AWS}), as ECR's registry does. A push to a repository that does not exist is refused with
 * ECR's error unless repositories are created on push.
 */
final class RegistryProxy implements Handler<HttpServerRequest> {
  private static final Pattern PATH = Pattern.compile("^/v2/(.+?)/(manifests|blobs|tags)/(.*)$");
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "authorization");

  private final io.vertx.core.Vertx vertx;
  private final HttpClient client;
  private final RegistryBackend backend;
  private final EcrService ecr;
  private final AuthGate gate;
  private final boolean createOnPush;
  private final String account;

  RegistryProxy(
      io.vertx.core.Vertx vertx,
      HttpClient client,
      RegistryBackend backend,
      EcrService ecr,
      AuthGate gate,
      boolean createOnPush,
      String account) {
    this.vertx = vertx;
    this.client = client;
    this.backend = backend;
    this.ecr = ecr;
    this.gate = gate;
    this.createOnPush = createOnPush;
    this.account = account;
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    var owner = owner(req.getHeader("Authorization"));
    if (owner.isEmpty()) {
      afterBody(
          req,
          () -> {
            error(req.response(), 401, "UNAUTHORIZED", "authentication required")
                .putHeader("WWW-Authenticate", "Basic realm=\"localbuild ECR\"");
            req.response().end(errorBody("UNAUTHORIZED", "authentication required"));
          });
      return;
    }
    Matcher m = PATH.matcher(req.path());
    String repository = m.matches() ? m.group(1) : null;
    if (repository != null) {
      String action = action(req.method(), m.group(2), m.group(3));
      var denied =
          gate.denied(
              owner.get().principalArn(),
              owner.get().roleName(),
              action,
              ecr.repositoryArn(repository));
      if (denied.isPresent()) {
        // docker prints it as "denied: User: ... is not authorized to perform: ecr:PutImage ..."
        afterBody(
            req,
            () ->
                error(req.response(), 403, "DENIED", denied.get())
                    .end(errorBody("DENIED", denied.get())));
        return;
      }
    }
    boolean write = req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD;
    if (repository != null && write && !ecr.exists(repository)) {
      if (createOnPush) {
        ecr.ensureRepository(repository);
      } else {
        String message =
            "The repository with name '"
                + repository
                + "' does not exist in the registry with id '"
                + account
                + "'";
        error(req.response(), 404, "NAME_UNKNOWN", message).end(errorBody("NAME_UNKNOWN", message));
        return;
      }
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(req.method())
            .setHost("127.0.0.1")
            .setPort(backend.port())
            .setURI(req.uri());
    client
        .request(options)
        .onFailure(e -> bad(req, e))
        .onSuccess(upstream -> {
          copy(req.headers(), upstream.headers());
          if (req.getHeader("Content-Length") == null
              && req.method() != HttpMethod.GET
              && req.method() != HttpMethod.HEAD) {
            upstream.setChunked(true);
          }
          upstream
              .send(req)
              .onFailure(e -> bad(req, e))
              .onSuccess(res -> respond(req, res, repository, m));
        });
  }

  private void respond(
      HttpServerRequest req, HttpClientResponse res, String repository, Matcher m) {
    HttpServerResponse out = req.response().setStatusCode(res.statusCode());
    copy(res.headers(), out.headers());
    if (res.getHeader("Content-Length") == null) {
      out.setChunked(true);
    }
    if (repository != null
        && req.method() == HttpMethod.PUT
        && "manifests".equals(m.group(2))
        && res.statusCode() == 201) {
      String digest = res.getHeader("Docker-Content-Digest");
      if (digest != null) {
        // remembering the push time touches the state file: off the event loop
        vertx.executeBlocking(
            () -> {
              ecr.pushed(repository, digest);
              return null;
            },
            false);
      }
    }
    res.pipeTo(out);
  }

  /**
   * Answers once the request's body is read and dropped: a client streaming a layer reads no answer
   * before it has sent it all.
   */
  private static void afterBody(HttpServerRequest req, Runnable answer) {
    req.handler(ignored -> {});
    req.end().onComplete(done -> answer.run());
    req.resume();
  }

  /** Who holds the Basic-auth token, if it is one the local ECR issued and still honours. */
  private java.util.Optional<EcrService.TokenOwner> owner(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return java.util.Optional.empty();
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon > 0 ? ecr.tokenOwner(decoded.substring(colon + 1)) : java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The ECR action a registry call is, as ECR's IAM documentation pairs them: pushing a layer is
   * InitiateLayerUpload, UploadLayerPart and CompleteLayerUpload, pushing the manifest PutImage.
   */
  static String action(HttpMethod method, String kind, String rest) {
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    return switch (kind) {
      case "manifests" ->
          read
              ? "ecr:BatchGetImage"
              : method == HttpMethod.DELETE ? "ecr:BatchDeleteImage" : "ecr:PutImage";
      case "tags" -> "ecr:ListImages";
      default -> {
        if (rest.startsWith("uploads")) {
          yield method == HttpMethod.POST
              ? "ecr:InitiateLayerUpload"
              : method == HttpMethod.PATCH ? "ecr:UploadLayerPart" : "ecr:CompleteLayerUpload";
        }
        yield method == HttpMethod.HEAD
            ? "ecr:BatchCheckLayerAvailability"
            : method == HttpMethod.DELETE ? "ecr:BatchDeleteImage" : "ecr:GetDownloadUrlForLayer";
      }
    };
  }

  private static void copy(MultiMap from, MultiMap to) {
    from.forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
        to.add(h.getKey(), h.getValue());
      }
    });
  }

  private static HttpServerResponse error(
      HttpServerResponse r, int status, String code, String message) {
    return r.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Docker-Distribution-API-Version", "registry/2.0");
  }

  private static String errorBody(String code, String message) {
    return Json.object()
        .set("errors", Json.array().add(Json.object().put("code", code).put("message", message)))
        .toString();
  }

  private static void bad(HttpServerRequest req, Throwable e) {
    if (!req.response().ended()) {
      req.response()
          .setStatusCode(502)
          .end(errorBody("UNAVAILABLE", "the local ECR's registry: " + e.getMessage()));
    }
  }
}
