package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.sandbox.SandboxService;
import dev.localbuild.server.store.ProjectStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** CodeBuild's sandbox API, on {@link SandboxService}. */
final class SandboxApi {
  private final ProjectStore projects;
  private final SandboxService service;
  private final String projectArn;

  SandboxApi(ProjectStore projects, SandboxService service, String projectArn) {
    this.projects = projects;
    this.service = service;
    this.projectArn = projectArn;
  }

  JsonNode call(String operation, ObjectNode in, String caller) throws ApiException, SQLException {
    return switch (operation) {
      case "StartSandbox" -> start(in, caller);
      case "StopSandbox" -> object("sandbox", service.stop(CodeBuildApi.required(in, "id")));
      case "BatchGetSandboxes" -> batchGet(in);
      case "ListSandboxes" -> CodeBuildApi.page("ids", service.ids(null, ascending(in)), in);
      case "ListSandboxesForProject" -> {
        String name = CodeBuildApi.required(in, "projectName");
        project(name);
        yield CodeBuildApi.page("ids", service.ids(name, ascending(in)), in);
      }
      case "StartCommandExecution" ->
          object(
              "commandExecution",
              service.startCommand(
                  CodeBuildApi.required(in, "sandboxId"),
                  CodeBuildApi.required(in, "command"),
                  in.path("type").asText("SHELL")));
      case "BatchGetCommandExecutions" -> batchGetCommands(in);
      case "ListCommandExecutionsForSandbox" -> listCommands(in);
      case "StartSandboxConnection" -> {
        String id = CodeBuildApi.required(in, "sandboxId");
        Optional<ObjectNode> s = service.get(id);
        if (s.isEmpty()) {
          throw ApiException.notFound("Sandbox " + id + " does not exist");
        }
        // CodeBuild answers with a Session Manager session; there is no SSM here
        throw ApiException.invalid(
            "localbuild has no AWS Systems Manager to open a session with. On the host of the"
                + " agent that runs the sandbox, open a shell in it with: localbuild attach "
                + s.get().path("currentSession").path("id").asText()
                + "; or run commands with StartCommandExecution");
      }
      default -> throw new IllegalArgumentException(operation);
    };
  }

  private JsonNode start(ObjectNode in, String caller) throws ApiException, SQLException {
    String name = CodeBuildApi.required(in, "projectName");
    return object(
        "sandbox",
        service.start(name, project(name), in.path("idempotencyToken").asText(null), caller));
  }

  private ObjectNode project(String name) throws ApiException, SQLException {
    return projects
        .get(name)
        .orElseThrow(() -> ApiException.notFound("Project cannot be found: " + projectArn + name));
  }

  private JsonNode batchGet(ObjectNode in) throws ApiException, SQLException {
    List<String> ids = ids(in, "ids", "Sandbox ids");
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode found = out.putArray("sandboxes");
    ArrayNode missing = out.putArray("sandboxesNotFound");
    for (String id : ids) {
      Optional<ObjectNode> s = service.get(id);
      if (s.isPresent()) {
        found.add(s.get());
      } else {
        missing.add(id);
      }
    }
    return out;
  }

  private JsonNode batchGetCommands(ObjectNode in) throws ApiException, SQLException {
    String sandbox = CodeBuildApi.required(in, "sandboxId");
    List<String> ids = ids(in, "commandExecutionIds", "Command execution ids");
    List<ObjectNode> found = service.commands(sandbox, true, ids);
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("commandExecutions");
    found.forEach(a::add);
    ArrayNode missing = out.putArray("commandExecutionsNotFound");
    List<String> have = found.stream().map(c -> c.path("id").asText()).toList();
    ids.stream().filter(id -> !have.contains(id)).forEach(missing::add);
    return out;
  }

  /** ListCommandExecutionsForSandbox: whole records, {@code maxResults} (1-100) a page. */
  private JsonNode listCommands(ObjectNode in) throws ApiException, SQLException {
    String sandbox = CodeBuildApi.required(in, "sandboxId");
    int max = in.path("maxResults").asInt(100);
    if (max < 1 || max > 100) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + max
              + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1"
              + " and 100");
    }
    return CodeBuildApi.page(
        "commandExecutions",
        service.commands(sandbox, ascending(in), null),
        c -> c.path("id").asText(),
        max,
        in);
  }

  private static List<String> ids(ObjectNode in, String member, String what) throws ApiException {
    JsonNode ids = in.get(member);
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      throw ApiException.invalid(what + " cannot be empty");
    }
    List<String> out = new ArrayList<>();
    ids.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static boolean ascending(ObjectNode in) {
    return "ASCENDING".equals(in.path("sortOrder").asText("DESCENDING"));
  }

  private static ObjectNode object(String member, JsonNode value) {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set(member, value);
    return out;
  }
}
