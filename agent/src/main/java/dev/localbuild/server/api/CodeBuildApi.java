package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BatchService;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.sandbox.SandboxService;
import dev.localbuild.server.status.SourceCredentialsApi;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.ProjectStore;
import dev.localbuild.server.store.SourceCredentialStore;
import dev.localbuild.server.store.Stores;
import dev.localbuild.server.webhook.WebhookApi;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CodeBuild's operations ({@code CodeBuild_20161006.*}) on the server's projects and builds,
 * requests and answers in CodeBuild's shapes.
 */
public final class CodeBuildApi {
  /** ListBuilds, ListBuildsForProject and ListProjects answer at most this many at a time. */
  static final int PAGE = 100;

  private final ProjectStore projects;
  private final BuildStore builds;
  private final BuildService service;
  private final String region;
  private final String account;
  private final Supplier<List<BuildLauncher.LocalImage>> images;
  private final WebhookApi webhooks;
  private final SourceCredentialsApi credentials;
  private final FleetApi fleets;
  private final BatchApi batchApi;
  private final SandboxApi sandboxApi;

  /**
   * @param images the images this host has, for ListCuratedEnvironmentImages
   * @param baseUrl where Git hosts reach this server, for webhooks' payload URLs
   */
  public CodeBuildApi(
      Stores stores,
      BuildService service,
      BatchService batches,
      SandboxService sandboxes,
      String region,
      String account,
      Supplier<List<BuildLauncher.LocalImage>> images,
      Supplier<String> baseUrl,
      SourceCredentialStore sourceCredentials) {
    this.projects = stores.projects();
    this.builds = stores.builds();
    this.fleets = new FleetApi(stores.fleets(), stores.agents(), region, account);
    this.service = service;
    this.region = region;
    this.account = account;
    this.batchApi = new BatchApi(stores.projects(), stores.batches(), batches, projectArn(""));
    this.sandboxApi = new SandboxApi(stores.projects(), sandboxes, projectArn(""));
    this.images = images;
    this.webhooks = new WebhookApi(projects, baseUrl, projectArn(""));
    this.credentials =
        new SourceCredentialsApi(
            sourceCredentials, "arn:aws:codebuild:" + region + ":" + account + ":");
  }

  /** Runs an operation; its answer, or the error CodeBuild would give. */
  public JsonNode call(String operation, ObjectNode in, String caller)
      throws ApiException, SQLException {
    return switch (operation) {
      case "CreateProject" -> createProject(in);
      case "UpdateProject" -> updateProject(in);
      case "DeleteProject" -> deleteProject(in);
      case "BatchGetProjects" -> batchGetProjects(in);
      case "ListProjects" -> listProjects(in);
      case "StartBuild" -> startBuild(in, caller);
      case "RetryBuild" -> retryBuild(in, caller);
      case "BatchGetBuilds" -> batchGetBuilds(in);
      case "StopBuild" -> object("build", service.stop(required(in, "id")));
      case "ListBuilds" -> page("ids", builds.ids(null, ascending(in)), in);
      case "ListBuildsForProject" -> listBuildsForProject(in);
      case "BatchDeleteBuilds" -> batchDeleteBuilds(in);
      case "ListCuratedEnvironmentImages" -> CuratedImages.answer(images.get());
      case "CreateWebhook" -> webhooks.create(in);
      case "UpdateWebhook" -> webhooks.update(in);
      case "DeleteWebhook" -> webhooks.delete(in);
      case "ImportSourceCredentials" -> credentials.importCredentials(in);
      case "ListSourceCredentials" -> credentials.list();
      case "DeleteSourceCredentials" -> credentials.delete(in);
      case "CreateFleet", "UpdateFleet", "DeleteFleet", "BatchGetFleets", "ListFleets" ->
          fleets.call(operation, in);
      case "StartBuildBatch",
          "BatchGetBuildBatches",
          "ListBuildBatches",
          "ListBuildBatchesForProject",
          "StopBuildBatch",
          "RetryBuildBatch",
          "DeleteBuildBatch" ->
          batchApi.call(operation, in, caller);
      case "StartSandbox",
          "StopSandbox",
          "BatchGetSandboxes",
          "ListSandboxes",
          "ListSandboxesForProject",
          "StartCommandExecution",
          "BatchGetCommandExecutions",
          "ListCommandExecutionsForSandbox",
          "StartSandboxConnection" ->
          sandboxApi.call(operation, in, caller);
      default ->
          throw new ApiException(
              "UnknownOperationException", "Unknown operation CodeBuild_20161006." + operation);
    };
  }

  private JsonNode createProject(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "name");
    ObjectNode body = validProject(in, name);
    String now = Instant.now().toString();
    body.put("arn", projectArn(name));
    body.put("created", now);
    body.put("lastModified", now);
    if (!projects.create(name, body)) {
      throw new ApiException(
          "ResourceAlreadyExistsException", "Project already exists: " + projectArn(name));
    }
    return object("project", body);
  }

  private JsonNode updateProject(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "name");
    ObjectNode body = projects.get(name).orElseThrow(() -> notFoundProject(name));
    in.properties().forEach(e -> body.set(e.getKey(), e.getValue()));
    validProject(body, name);
    body.put("lastModified", Instant.now().toString());
    projects.update(name, body);
    return object("project", body);
  }

  private JsonNode deleteProject(ObjectNode in) throws ApiException, SQLException {
    projects.delete(required(in, "name")); // CodeBuild answers {} for a project that is not there
    return RecordJson.MAPPER.createObjectNode();
  }

  private JsonNode batchGetProjects(ObjectNode in) throws ApiException, SQLException {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode found = out.putArray("projects");
    ArrayNode missing = out.putArray("projectsNotFound");
    for (String n : list(in, "names")) {
      String name = n.startsWith("arn:") ? n.substring(n.lastIndexOf('/') + 1) : n;
      Optional<ObjectNode> p = projects.get(name);
      if (p.isPresent()) {
        found.add(WebhookApi.shown(p.get()));
      } else {
        missing.add(n);
      }
    }
    return out;
  }

  private JsonNode listProjects(ObjectNode in) throws ApiException, SQLException {
    String sortBy = in.path("sortBy").asText("NAME");
    boolean descending = "DESCENDING".equals(in.path("sortOrder").asText("ASCENDING"));
    return page("projects", projects.names(!"NAME".equals(sortBy), descending), in);
  }

  private JsonNode startBuild(ObjectNode in, String caller) throws ApiException, SQLException {
    String name = required(in, "projectName");
    ObjectNode project = projects.get(name).orElseThrow(() -> notFoundProject(name));
    return object("build", service.start(name, project, fromClient(in), caller));
  }

  /**
   * A client's request without the members only this server writes ({@code localbuild:...}: a
   * fork's build, a batch's build), which no client may set.
   */
  static ObjectNode fromClient(ObjectNode in) {
    ObjectNode r = in.deepCopy();
    r.properties().removeIf(e -> e.getKey().startsWith("localbuild:"));
    return r;
  }

  private JsonNode retryBuild(ObjectNode in, String caller) throws ApiException, SQLException {
    String id = required(in, "id");
    BuildStore.Row row =
        builds.get(id).orElseThrow(() -> ApiException.notFound("Build " + id + " does not exist"));
    ObjectNode project =
        projects.get(row.project()).orElseThrow(() -> notFoundProject(row.project()));
    JsonNode sandbox = row.request().path(BuildService.SANDBOX);
    if (sandbox.has("id")) {
      // a second session of one sandbox would take its commands too
      throw ApiException.invalid(
          "Build "
              + id
              + " is the session of sandbox "
              + sandbox.path("id").asText()
              + ": start another sandbox with StartSandbox");
    }
    ObjectNode request = row.request().deepCopy();
    request.remove("idempotencyToken");
    if (in.has("idempotencyToken")) {
      request.set("idempotencyToken", in.get("idempotencyToken"));
    }
    return object("build", service.start(row.project(), project, request, caller));
  }

  private JsonNode batchGetBuilds(ObjectNode in) throws ApiException, SQLException {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode found = out.putArray("builds");
    ArrayNode missing = out.putArray("buildsNotFound");
    List<String> refs = list(in, "ids");
    java.util.Map<String, BuildStore.Row> rows =
        builds.getAll(refs.stream().map(CodeBuildApi::buildId).toList());
    for (String ref : refs) {
      BuildStore.Row row = rows.get(buildId(ref));
      if (row != null) {
        found.add(row.record());
      } else {
        missing.add(ref);
      }
    }
    return out;
  }

  /** A build's id from its id or ARN. */
  private static String buildId(String ref) {
    return ref.startsWith("arn:") ? ref.substring(ref.indexOf(":build/") + 7) : ref;
  }

  private JsonNode listBuildsForProject(ObjectNode in) throws ApiException, SQLException {
    String name = required(in, "projectName");
    if (projects.get(name).isEmpty()) {
      throw notFoundProject(name);
    }
    return page("ids", builds.ids(name, ascending(in)), in);
  }

  private JsonNode batchDeleteBuilds(ObjectNode in) throws ApiException, SQLException {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode deleted = out.putArray("buildsDeleted");
    ArrayNode notDeleted = out.putArray("buildsNotDeleted");
    for (String id : list(in, "ids")) {
      Optional<BuildStore.Row> row = builds.get(id);
      if (row.isPresent() && !row.get().record().path("buildComplete").asBoolean()) {
        notDeleted.addObject().put("id", id).put("statusCode", "BUILD_IN_PROGRESS");
      } else if (row.isPresent() && builds.delete(id)) {
        deleted.add(row.get().record().path("arn").asText());
      } else {
        notDeleted.addObject().put("id", id).put("statusCode", "BUILD_NOT_FOUND");
      }
    }
    return out;
  }

  /** A CreateProject body that makes a project, checked as the command line's project files. */
  private ObjectNode validProject(ObjectNode in, String name) throws ApiException, SQLException {
    for (String member : List.of("source", "artifacts", "environment", "serviceRole")) {
      if (!in.has(member)) {
        throw ApiException.invalid(
            "1 validation error detected: Value null at '"
                + member
                + "' failed to satisfy constraint: Member must not be null");
      }
    }
    if (!ProjectFile.validName(name)) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + name
              + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression"
              + " pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,254}");
    }
    try {
      ProjectFile.parse(in, null, "project");
    } catch (ProjectFile.ProjectFileException e) {
      throw ApiException.invalid(e.getMessage());
    }
    String fleet = in.path("environment").path("fleet").path("fleetArn").asText("");
    if (!fleet.isEmpty() && !fleets.exists(fleet)) {
      throw ApiException.invalid("Fleet " + fleet + " does not exist");
    }
    return in.deepCopy(); // tags too: BatchGetProjects returns them, and one is a setting here
  }

  private ApiException notFoundProject(String name) {
    return ApiException.notFound("Project cannot be found: " + projectArn(name));
  }

  private String projectArn(String name) {
    return "arn:aws:codebuild:" + region + ":" + account + ":project/" + name;
  }

  private static boolean ascending(ObjectNode in) {
    return "ASCENDING".equals(in.path("sortOrder").asText("DESCENDING"));
  }

  /**
   * A page of a list: {@link #PAGE} names after the one the token names, and a token for the next
   * page when there is one. The token names the last one given, not a position, so builds started
   * between two pages neither repeat nor skip one.
   */
  static ObjectNode page(String member, List<String> all, ObjectNode in) throws ApiException {
    return page(
        member,
        all.stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList(),
        JsonNode::asText,
        PAGE,
        in);
  }

  /**
   * A page of whole records ({@code size} of them), each named by {@code key} in the tokens, as
   * {@link #page(String, List, ObjectNode)} does with names.
   */
  static <T extends JsonNode> ObjectNode page(
      String member,
      List<T> all,
      java.util.function.Function<T, String> key,
      int size,
      ObjectNode in)
      throws ApiException {
    int from = 0;
    String token = in.path("nextToken").asText(null);
    if (token != null) {
      String after;
      try {
        after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        after = null;
      }
      from = after == null ? -1 : all.stream().map(key).toList().indexOf(after) + 1;
      if (from <= 0) {
        throw ApiException.invalid("Invalid pagination token: " + token);
      }
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray(member);
    int to = Math.min(all.size(), from + size);
    all.subList(from, to).forEach(a::add);
    if (to < all.size()) {
      out.put(
          "nextToken",
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(key.apply(all.get(to - 1)).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static ObjectNode object(String member, JsonNode value) {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set(member, value);
    return out;
  }

  static String required(ObjectNode in, String member) throws ApiException {
    JsonNode v = in.get(member);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      throw ApiException.invalid(
          "1 validation error detected: Value null at '"
              + member
              + "' failed to satisfy constraint: Member must not be null");
    }
    return v.asText();
  }

  private static List<String> list(ObjectNode in, String member) throws ApiException {
    JsonNode v = in.get(member);
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw ApiException.invalid(
          "1 validation error detected: Value at '"
              + member
              + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    return java.util.stream.StreamSupport.stream(v.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
