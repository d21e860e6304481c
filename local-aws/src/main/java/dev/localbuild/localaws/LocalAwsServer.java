package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.localaws.auth.AccessKey;
import dev.localbuild.localaws.auth.ErrorShapes;
import dev.localbuild.localaws.auth.SigV4Verifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The embedded local AWS: ECR (with its registry), ECS, S3, SSM Parameter Store, Secrets Manager
 * and STS on one port, speaking the AWS protocols so that the AWS SDKs and the AWS CLI work against
 * it with an endpoint override. It listens on loopback and on the Docker bridge's gateway (so
 * builds in containers reach it), and keeps its state in a directory so that it survives restarts.
 * Every request must be signed (SigV4) with its root key ({@code root-key.json} in the state
 * directory, mode 0600) or a session it issued; a session acting as a role is held to that role's
 * policy ({@link AuthGate}). Only {@code /_localbuild/health} and {@code /_localbuild/service-url}
 * (where a deployed service answers) answer without a signature: they hold no secret.
 */
public final class LocalAwsServer implements AutoCloseable {
  /**
   * The port a local AWS tries first: pushed images are named with it ({@code
   * 127.0.0.1:4590/repo}), so it should be the same from one start to the next.
   */
  public static final int DEFAULT_PORT = 4590;

  /** What a server needs. */
  public record Config(
      Path stateDir, String region, String account, int port, boolean createRepositoriesOnPush) {}

  private final Config config;
  private final DockerClient docker;
  private final Vertx vertx;
  private final boolean ownVertx;
  private final Map<String, JsonService> services = new HashMap<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private String gateway;
  private int port;
  private EcsService ecs;
  private S3Service s3;
  private StsService sts;
  private AuthGate gate;

  /** A server with a Vert.x of its own ({@code localbuild aws serve}: a process of its own). */
  public LocalAwsServer(Config config, DockerClient docker) {
    this(config, docker, Vertx.vertx(), true);
  }

  /**
   * A server in a host's Vert.x (the build server's): it listens on its own port, and leaves the
   * Vert.x running when closed.
   */
  public LocalAwsServer(Config config, DockerClient docker, Vertx vertx) {
    this(config, docker, vertx, false);
  }

  private LocalAwsServer(Config config, DockerClient docker, Vertx vertx, boolean ownVertx) {
    this.config = config;
    this.docker = docker;
    this.vertx = vertx;
    this.ownVertx = ownVertx;
  }

  /** Held while this server runs: one server per state directory. */
  private java.nio.channels.FileChannel lockChannel;

  /** Starts everything; returns once the server answers. */
  public LocalAwsServer start() throws Exception {
    java.nio.file.Files.createDirectories(config.stateDir());
    lockChannel =
        java.nio.channels.FileChannel.open(
            config.stateDir().resolve("server.lock"),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
    if (lockChannel.tryLock() == null) {
      lockChannel.close();
      throw new IllegalStateException(
          "another local AWS already serves "
              + config.stateDir()
              + " (localbuild aws status prints its endpoint)");
    }
    LocalAwsState state = new LocalAwsState(config.stateDir().resolve("state.json"));
    gate = new AuthGate(config.stateDir(), config.account());
    ParameterFile parameters = new ParameterFile(config.stateDir().resolve("parameters.json"));
    RegistryBackend registry = new RegistryBackend(docker, state.instance());
    registry.start();
    gateway = DockerNetworks.bridgeGateway(docker);
    EcrService ecr =
        new EcrService(state, registry, config.region(), config.account(), this::registryHostFor);
    TaskLogs taskLogs = new TaskLogs(docker, config.stateDir().resolve("logs"));
    ecs =
        new EcsService(
            state,
            config.region(),
            config.account(),
            docker,
            vertx,
            ecr,
            this::registryHostFor,
            taskLogs);
    s3 = new S3Service(vertx, config.stateDir().resolve("s3"), config.region());
    sts = new StsService(config.account(), gate.keys(), gate);
    for (JsonService s :
        List.of(
            new SsmService(parameters, config.region(), config.account()),
            new SecretsService(parameters, config.region(), config.account()),
            new LogsService(taskLogs, config.region(), config.account()),
            ecr,
            ecs)) {
      services.put(s.targetPrefix(), s);
    }
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    RegistryProxy proxy =
        new RegistryProxy(
            vertx,
            client,
            registry,
            ecr,
            gate,
            config.createRepositoriesOnPush(),
            config.account());
    HttpServer loopback = server(proxy);
    try {
      port = loopback.listen(config.port(), "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    } catch (Exception taken) {
      // another local AWS (another LOCALBUILD_HOME) has the usual port: any free one will do
      loopback = server(proxy);
      port = loopback.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }
    servers.add(loopback);
    if (gateway != null) {
      HttpServer bridge = server(proxy);
      bridge.listen(port, gateway).await(10, TimeUnit.SECONDS);
      servers.add(bridge);
    }
    ecs.start();
    LocalAwsProcess.announce(config.stateDir(), port, gateway, !ownVertx);
    return this;
  }

  private HttpServer server(RegistryProxy proxy) {
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setMaxFormAttributeSize(1 << 20)
                .setHandle100ContinueAutomatically(true))
        .requestHandler(req -> {
          String path = req.path();
          if (path.startsWith("/v2/") || path.equals("/v2")) {
            proxy.handle(req);
          } else if (path.equals("/_localbuild/service-url")) {
            // where a deployed service answers on this machine: no secret, so no signature
            String url =
                ecs.serviceUrl(
                    String.valueOf(req.getParam("cluster")),
                    String.valueOf(req.getParam("service")));
            req.response()
                .setStatusCode(url == null ? 404 : 200)
                .putHeader("Content-Type", "application/json")
                .end(Json.object().put("url", url).toString());
          } else if (path.equals("/_localbuild/health")) {
            req.response()
                .putHeader("Content-Type", "application/json")
                .end(
                    Json.object()
                        .put("status", "ok")
                        .put("port", port)
                        .put("region", config.region())
                        .put("account", config.account())
                        .put("instance", LocalAwsProcess.instance(config.stateDir()))
                        .toString());
          } else if (req.getHeader("X-Amz-Target") != null || isQueryProtocol(req)) {
            // read whole before the signature can be checked: bounded, whoever sends it
            if (tooLarge(req)) {
              req.response().setStatusCode(413).end();
              req.connection().close();
              return;
            }
            req.body().onSuccess(body -> api(req, body));
          } else {
            s3(req);
          }
        });
  }

  /**
   * S3: the signature covers the headers and the claimed payload hash; the body is checked as
   * stored.
   */
  private void s3(HttpServerRequest req) {
    // checked before a byte of the body is read: nothing here waits, so the request needs no pause
    var verdict = gate.authenticate(req, null, AuthGate.QUERY_SKEW);
    if (verdict instanceof SigV4Verifier.Refused r) {
      ErrorShapes.Shape e = ErrorShapes.s3(r.failure());
      // S3 shows the canonical request it computed, so a client can see what differed
      s3.refuse(
          req,
          e.code(),
          e.message(),
          e.status(),
          e.code().equals("SignatureDoesNotMatch")
              ? Map.of("CanonicalRequest", r.failure().detail())
              : Map.of());
      return;
    }
    var signed = (SigV4Verifier.Signed) verdict;
    S3Action a = S3Action.of(req);
    var denied = gate.denied(signed.key(), a.action(), List.of(a.resource()));
    if (denied.isPresent()) {
      s3.refuse(req, "AccessDenied", denied.get(), 403, Map.of());
      return;
    }
    s3.handle(req, signed);
  }

  /** JSON and query requests are small; AWS's own limits are a few MiB. */
  static final long MAX_API_BODY = 16L << 20;

  private static boolean tooLarge(HttpServerRequest req) {
    String length = req.getHeader("Content-Length");
    try {
      // (a chunked body has no length to check first; no AWS client sends one to these APIs)
      return length != null && Long.parseLong(length.trim()) > MAX_API_BODY;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * STS's query protocol: a form POSTed to {@code /}; every other request without a target is S3.
   */
  private static boolean isQueryProtocol(HttpServerRequest req) {
    String type = req.getHeader("Content-Type");
    return req.method() == io.vertx.core.http.HttpMethod.POST
        && req.path().equals("/")
        && type != null
        && type.startsWith("application/x-www-form-urlencoded");
  }

  private void api(HttpServerRequest req, Buffer body) {
    String target = req.getHeader("X-Amz-Target");
    String caller = req.remoteAddress().hostAddress();
    String sha256 = sha256(body);
    if (target == null) {
      var verdict = gate.authenticate(req, sha256, AuthGate.QUERY_SKEW);
      if (verdict instanceof SigV4Verifier.Refused r) {
        ErrorShapes.Shape e = ErrorShapes.query(r.failure());
        answer(
            req, StsService.error(e.status(), e.code(), e.message(), UUID.randomUUID().toString()));
        return;
      }
      var key = ((SigV4Verifier.Signed) verdict).key();
      // AssumeRole writes the sessions file: off the event loop
      vertx
          .executeBlocking(() -> sts.handle(body.toString(StandardCharsets.UTF_8), key), false)
          .onComplete(ar ->
              answer(
                  req,
                  ar.succeeded()
                      ? ar.result()
                      : StsService.error(
                          500,
                          "InternalFailure",
                          String.valueOf(ar.cause()),
                          UUID.randomUUID().toString())));
      return;
    }
    var verdict = gate.authenticate(req, sha256, AuthGate.JSON_SKEW);
    if (verdict instanceof SigV4Verifier.Refused r) {
      ErrorShapes.Shape e = ErrorShapes.json(r.failure());
      reply(req, e.status(), Json.object().put("__type", e.code()).put("message", e.message()));
      return;
    }
    AccessKey key = ((SigV4Verifier.Signed) verdict).key();
    int dot = target.lastIndexOf('.');
    JsonService service = dot < 0 ? null : services.get(target.substring(0, dot));
    if (service == null) {
      reply(
          req,
          400,
          Json.object()
              .put("__type", "UnknownOperationException")
              .put("message", "The local AWS does not implement " + target));
      return;
    }
    String operation = target.substring(dot + 1);
    vertx
        .executeBlocking(
            () -> {
              JsonNode request =
                  body.length() == 0 ? Json.object() : Json.MAPPER.readTree(body.getBytes());
              String action = service.iamPrefix() + ":" + operation;
              var denied = gate.denied(key, action, service.resources(operation, request));
              if (denied.isPresent()) {
                throw new AwsError("AccessDeniedException", denied.get());
              }
              return service.handle(operation, request, caller, key);
            },
            false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            reply(req, 200, ar.result());
          } else if (ar.cause() instanceof AwsError e) {
            reply(
                req,
                e.status(),
                Json.object().put("__type", e.type()).put("message", e.getMessage()));
          } else {
            reply(
                req,
                500,
                Json.object()
                    .put("__type", "InternalFailure")
                    .put("message", String.valueOf(ar.cause())));
          }
        });
  }

  private static String sha256(Buffer body) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void reply(HttpServerRequest req, int status, ObjectNode body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .end(body.toString());
  }

  /** An answer of the AWS query protocol (STS), in XML. */
  private static void answer(HttpServerRequest req, StsService.Answer a) {
    req.response()
        .setStatusCode(a.status())
        .putHeader("Content-Type", "text/xml")
        .putHeader("x-amzn-RequestId", a.requestId())
        .end(a.xml());
  }

  /**
   * The registry's address as a caller reaches it: loopback from this machine, the gateway from
   * containers.
   */
  String registryHostFor(String caller) {
    boolean local =
        caller == null
            || caller.startsWith("127.")
            || caller.equals("0:0:0:0:0:0:0:1")
            || caller.equals("::1");
    return (local || gateway == null ? "127.0.0.1" : gateway) + ":" + port;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The Docker bridge gateway the server also listens on (null when there is none). */
  public String gateway() {
    return gateway;
  }

  /** The URL of the endpoint for this machine. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The local ECS, for the deploy step's URL of a service. */
  public EcsService ecs() {
    return ecs;
  }

  @Override
  public void close() {
    if (ecs != null) {
      ecs.close();
    }
    try {
      Future.all(servers.stream().map(HttpServer::close).toList()).await(5, TimeUnit.SECONDS);
      if (ownVertx) {
        vertx.close().await(5, TimeUnit.SECONDS);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      // closing anyway
    }
    try {
      if (lockChannel != null) {
        lockChannel.close(); // releases the lock
      }
    } catch (java.io.IOException e) {
      // the process is ending: the lock goes with it
    }
  }
}
