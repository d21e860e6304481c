package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The local ECR's API: repositories live in the local AWS state, images in the registry behind it.
 * A repository's URI names the registry as the caller reaches it: {@code 127.0.0.1:<port>} from
 * this machine, the Docker bridge's gateway from a container.
 */
final class EcrService implements JsonService {
  static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
  static final String MANIFEST_TYPES =
      String.join(
          ",",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final LocalAwsState state;
  private final RegistryBackend registry;
  private final String region;
  private final String account;
  private final Function<String, String> registryHostFor;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param registryHostFor the registry's host:port as a caller (by address) reaches it
   */
  EcrService(
      LocalAwsState state,
      RegistryBackend registry,
      String region,
      String account,
      Function<String, String> registryHostFor) {
    this.state = state;
    this.registry = registry;
    this.region = region;
    this.account = account;
    this.registryHostFor = registryHostFor;
  }

  @Override
  public String targetPrefix() {
    return "AmazonEC2ContainerRegistry_V20150921";
  }

  @Override
  public String iamPrefix() {
    return "ecr";
  }

  @Override
  public java.util.List<String> resources(String operation, JsonNode request) {
    String name = request.path("repositoryName").asText("");
    return name.isEmpty() ? java.util.List.of("*") : java.util.List.of(repositoryArn(name));
  }

  String repositoryArn(String name) {
    return "arn:aws:ecr:" + region + ":" + account + ":repository/" + name;
  }

  @Override
  public ObjectNode handle(
      String operation,
      JsonNode request,
      String caller,
      dev.localbuild.localaws.auth.AccessKey key) {
    if (operation.equals("GetAuthorizationToken")) {
      return authorizationToken(caller, key);
    }
    return handle(operation, request, caller);
  }

  @Override
  public ObjectNode handle(String operation, JsonNode request, String caller) {
    return switch (operation) {
      case "CreateRepository" -> createRepository(request, caller);
      case "DescribeRepositories" -> describeRepositories(request, caller);
      case "DeleteRepository" -> deleteRepository(request, caller);
      case "DescribeImages" -> describeImages(request);
      case "ListImages" -> listImages(request);
      case "BatchGetImage" -> batchGetImage(request);
      case "BatchDeleteImage" -> batchDeleteImage(request);
      default ->
          throw new AwsError(
              "InvalidParameterException", "The local ECR does not implement " + operation);
    };
  }

  private ObjectNode repos() {
    return state.section("ecr").with("repositories");
  }

  private ObjectNode repository(String name, JsonNode r, String caller) {
    return Json.object()
        .put("repositoryArn", "arn:aws:ecr:" + region + ":" + account + ":repository/" + name)
        .put("registryId", account)
        .put("repositoryName", name)
        .put("repositoryUri", registryHostFor.apply(caller) + "/" + name)
        .put("createdAt", r.path("createdAt").asDouble())
        .put("imageTagMutability", r.path("imageTagMutability").asText("MUTABLE"))
        .<ObjectNode>set("imageScanningConfiguration", Json.object().put("scanOnPush", false))
        .set("encryptionConfiguration", Json.object().put("encryptionType", "AES256"));
  }

  ObjectNode createRepository(JsonNode request, String caller) {
    String name = Json.required(request, "repositoryName");
    if (!name.matches("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
        || name.length() > 256) {
      throw AwsError.invalid(
          "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression"
              + " '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''");
    }
    synchronized (state) {
      if (repos().has(name)) {
        throw new AwsError(
            "RepositoryAlreadyExistsException",
            "The repository with name '"
                + name
                + "' already exists in the registry with id '"
                + account
                + "'");
      }
      ObjectNode r =
          Json.object()
              .put("createdAt", Json.time(Instant.now()))
              .put("imageTagMutability", request.path("imageTagMutability").asText("MUTABLE"));
      repos().set(name, r);
      state.save();
      return Json.object().set("repository", repository(name, r, caller));
    }
  }

  /** Creates a repository unless it exists (a push to a new repository with auto-creation on). */
  void ensureRepository(String name) {
    synchronized (state) {
      if (!repos().has(name)) {
        repos()
            .set(
                name,
                Json.object()
                    .put("createdAt", Json.time(Instant.now()))
                    .put("imageTagMutability", "MUTABLE"));
        state.save();
      }
    }
  }

  boolean exists(String name) {
    synchronized (state) {
      return repos().has(name);
    }
  }

  private ObjectNode describeRepositories(JsonNode request, String caller) {
    ArrayNode out = Json.array();
    synchronized (state) {
      if (request.has("repositoryNames")) {
        for (JsonNode n : request.get("repositoryNames")) {
          JsonNode r = repos().get(n.asText());
          if (r == null) {
            throw notFound(n.asText());
          }
          out.add(repository(n.asText(), r, caller));
        }
      } else {
        repos()
            .fields()
            .forEachRemaining(e -> out.add(repository(e.getKey(), e.getValue(), caller)));
      }
    }
    return Json.object().set("repositories", out);
  }

  private ObjectNode deleteRepository(JsonNode request, String caller) {
    String name = Json.required(request, "repositoryName");
    JsonNode r;
    synchronized (state) {
      r = repos().get(name);
      if (r == null) {
        throw notFound(name);
      }
    }
    Map<String, java.util.List<String>> images = images(name);
    if (!images.isEmpty() && !request.path("force").asBoolean(false)) {
      throw new AwsError(
          "RepositoryNotEmptyException",
          "The repository with name '"
              + name
              + "' in registry with id '"
              + account
              + "' cannot be deleted because it still contains images");
    }
    images.keySet().forEach(digest -> deleteManifest(name, digest));
    synchronized (state) {
      repos().remove(name);
      state.section("ecr").with("pushed").remove(name);
      state.save();
    }
    return Json.object().set("repository", repository(name, r, caller));
  }

  /**
   * A registry token, remembered with who asked for it: pushes and pulls with it are checked
   * against that caller's policy, as ECR checks the identity behind a token.
   */
  private ObjectNode authorizationToken(String caller, dev.localbuild.localaws.auth.AccessKey key) {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    String token = "lbecr" + HexFormat.of().formatHex(b);
    Instant expires = Instant.now().plus(TOKEN_LIFETIME);
    synchronized (state) {
      ObjectNode tokens = state.section("ecr").with("tokens");
      // drop expired tokens as new ones are issued
      java.util.List<String> expired = new java.util.ArrayList<>();
      tokens
          .fields()
          .forEachRemaining(e -> {
            if (e.getValue().path("expires").asDouble() < Json.time(Instant.now())) {
              expired.add(e.getKey());
            }
          });
      expired.forEach(tokens::remove);
      tokens
          .putObject(token)
          .put("expires", Json.time(expires))
          .put("principal", key.principalArn())
          .put("role", key.roleName());
      state.save();
    }
    String encoded =
        Base64.getEncoder().encodeToString(("AWS:" + token).getBytes(StandardCharsets.UTF_8));
    ObjectNode data =
        Json.object()
            .put("authorizationToken", encoded)
            .put("expiresAt", Json.time(expires))
            .put("proxyEndpoint", "http://" + registryHostFor.apply(caller));
    return Json.object().set("authorizationData", Json.array().add(data));
  }

  /**
   * A token for the local ECS itself, pulling a task's image (as ECS pulls with the task's
   * execution role): it acts as the account's root.
   */
  ObjectNode serviceToken(String caller) {
    return authorizationToken(
        caller,
        new dev.localbuild.localaws.auth.AccessKey(
            "local-ecs", "", null, "arn:aws:iam::" + account + ":root", null, null));
  }

  /** Who a registry token was issued to. */
  record TokenOwner(String principalArn, @org.jspecify.annotations.Nullable String roleName) {}

  /**
   * Who holds a password presented to the registry: a token this ECR issued and that is still
   * valid; empty otherwise.
   */
  java.util.Optional<TokenOwner> tokenOwner(String password) {
    synchronized (state) {
      JsonNode t = state.section("ecr").with("tokens").get(password);
      if (t == null || !t.isObject() || t.path("expires").asDouble() <= Json.time(Instant.now())) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new TokenOwner(t.path("principal").asText(), t.path("role").asText(null)));
    }
  }

  /** Remembers when a manifest was pushed (the registry does not say). */
  void pushed(String repository, String digest) {
    synchronized (state) {
      ObjectNode p = state.section("ecr").with("pushed").with(repository);
      if (!p.has(digest)) {
        p.put(digest, Json.time(Instant.now()));
        state.save();
      }
    }
  }

  /** Digest to tags, for every tagged manifest of a repository. */
  Map<String, java.util.List<String>> images(String repository) {
    Map<String, java.util.List<String>> out = new LinkedHashMap<>();
    JsonNode tags = get("/v2/" + repository + "/tags/list").path("tags");
    for (JsonNode t : tags) {
      HttpResponse<byte[]> m = manifest(repository, t.asText());
      if (m.statusCode() == 200) {
        String digest = m.headers().firstValue("Docker-Content-Digest").orElse("");
        out.computeIfAbsent(digest, d -> new java.util.ArrayList<>()).add(t.asText());
      }
    }
    return out;
  }

  private ObjectNode describeImages(JsonNode request) {
    String repo = Json.required(request, "repositoryName");
    if (!exists(repo)) {
      throw notFound(repo);
    }
    ArrayNode details = Json.array();
    for (var e : images(repo).entrySet()) {
      HttpResponse<byte[]> m = manifest(repo, e.getKey());
      JsonNode manifest = parse(m.body());
      long size = manifest.path("config").path("size").asLong();
      for (JsonNode l : manifest.path("layers")) {
        size += l.path("size").asLong();
      }
      double pushedAt;
      synchronized (state) {
        pushedAt =
            state
                .section("ecr")
                .with("pushed")
                .with(repo)
                .path(e.getKey())
                .asDouble(Json.time(Instant.now()));
      }
      ArrayNode tags = Json.array();
      e.getValue().forEach(tags::add);
      details.add(
          Json.object()
              .put("registryId", account)
              .put("repositoryName", repo)
              .put("imageDigest", e.getKey())
              .<ObjectNode>set("imageTags", tags)
              .put("imageSizeInBytes", size)
              .put("imagePushedAt", pushedAt)
              .put("imageManifestMediaType", m.headers().firstValue("Content-Type").orElse(""))
              .put("artifactMediaType", manifest.path("config").path("mediaType").asText("")));
    }
    return Json.object().set("imageDetails", details);
  }

  private ObjectNode listImages(JsonNode request) {
    String repo = Json.required(request, "repositoryName");
    if (!exists(repo)) {
      throw notFound(repo);
    }
    ArrayNode ids = Json.array();
    images(repo)
        .forEach((digest, tags) ->
            tags.forEach(
                t -> ids.add(Json.object().put("imageDigest", digest).put("imageTag", t))));
    return Json.object().set("imageIds", ids);
  }

  /** A repository that must exist, as the batch image calls want it. */
  private String existingRepository(JsonNode request) {
    String repo = Json.required(request, "repositoryName");
    if (!exists(repo)) {
      throw notFound(repo);
    }
    return repo;
  }

  /** An image id's manifest, or null after noting ECR's ImageNotFound failure for it. */
  private HttpResponse<byte[]> manifestOrFailure(String repo, JsonNode id, ArrayNode failures) {
    String ref =
        id.has("imageDigest") ? id.get("imageDigest").asText() : id.path("imageTag").asText();
    HttpResponse<byte[]> m = manifest(repo, ref);
    if (m.statusCode() == 200) {
      return m;
    }
    failures.add(
        Json.object()
            .<ObjectNode>set("imageId", id)
            .put("failureCode", "ImageNotFound")
            .put("failureReason", "Requested image not found"));
    return null;
  }

  private ObjectNode batchGetImage(JsonNode request) {
    String repo = existingRepository(request);
    ArrayNode images = Json.array();
    ArrayNode failures = Json.array();
    for (JsonNode id : request.path("imageIds")) {
      HttpResponse<byte[]> m = manifestOrFailure(repo, id, failures);
      if (m == null) {
        continue;
      }
      ObjectNode imageId =
          Json.object()
              .put("imageDigest", m.headers().firstValue("Docker-Content-Digest").orElse(""));
      if (id.has("imageTag")) {
        imageId.put("imageTag", id.get("imageTag").asText());
      }
      images.add(
          Json.object()
              .put("registryId", account)
              .put("repositoryName", repo)
              .<ObjectNode>set("imageId", imageId)
              .put("imageManifest", new String(m.body(), StandardCharsets.UTF_8))
              .put("imageManifestMediaType", m.headers().firstValue("Content-Type").orElse("")));
    }
    return Json.object().<ObjectNode>set("images", images).set("failures", failures);
  }

  private ObjectNode batchDeleteImage(JsonNode request) {
    String repo = existingRepository(request);
    ArrayNode deleted = Json.array();
    ArrayNode failures = Json.array();
    for (JsonNode id : request.path("imageIds")) {
      HttpResponse<byte[]> m = manifestOrFailure(repo, id, failures);
      if (m == null) {
        continue;
      }
      String digest =
          m.headers()
              .firstValue("Docker-Content-Digest")
              .orElse(id.path("imageDigest").asText(id.path("imageTag").asText()));
      deleteManifest(repo, digest);
      ObjectNode imageId = Json.object().put("imageDigest", digest);
      if (id.has("imageTag")) {
        imageId.put("imageTag", id.get("imageTag").asText());
      }
      deleted.add(imageId);
    }
    return Json.object().<ObjectNode>set("imageIds", deleted).set("failures", failures);
  }

  private AwsError notFound(String name) {
    return new AwsError(
        "RepositoryNotFoundException",
        "The repository with name '"
            + name
            + "' does not exist in the registry with id '"
            + account
            + "'");
  }

  private HttpResponse<byte[]> manifest(String repo, String ref) {
    return send(
        HttpRequest.newBuilder(URI.create(registry.url("/v2/" + repo + "/manifests/" + ref)))
            .header("Accept", MANIFEST_TYPES)
            .GET()
            .build());
  }

  private void deleteManifest(String repo, String digest) {
    send(
        HttpRequest.newBuilder(URI.create(registry.url("/v2/" + repo + "/manifests/" + digest)))
            .DELETE()
            .build());
  }

  private JsonNode get(String path) {
    HttpResponse<byte[]> r =
        send(HttpRequest.newBuilder(URI.create(registry.url(path))).GET().build());
    return r.statusCode() == 200 ? parse(r.body()) : Json.object();
  }

  private HttpResponse<byte[]> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AwsError(
          "ServerException", "The local ECR's registry did not answer: " + e.getMessage(), 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AwsError("ServerException", "interrupted", 500);
    }
  }

  private static JsonNode parse(byte[] b) {
    try {
      return Json.MAPPER.readTree(b);
    } catch (IOException e) {
      return Json.object();
    }
  }
}
