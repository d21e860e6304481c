package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BatchService;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BatchStore;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.ProjectStore;
import java.sql.SQLException;
import java.util.Optional;

/** CodeBuild's batch build API, on {@link BatchService}. */
final class BatchApi {
  private final ProjectStore projects;
  private final BatchStore batches;
  private final BatchService service;
  private final String projectArn;

  BatchApi(ProjectStore projects, BatchStore batches, BatchService service, String projectArn) {
    this.projects = projects;
    this.batches = batches;
    this.service = service;
    this.projectArn = projectArn;
  }

  JsonNode call(String operation, ObjectNode in, String caller) throws ApiException, SQLException {
    return switch (operation) {
      case "StartBuildBatch" -> start(in, caller);
      case "BatchGetBuildBatches" -> batchGet(in);
      case "ListBuildBatches" -> list(null, in);
      case "ListBuildBatchesForProject" -> {
        String name = CodeBuildApi.required(in, "projectName");
        if (projects.get(name).isEmpty()) {
          throw ApiException.notFound("Project cannot be found: " + projectArn + name);
        }
        yield list(name, in);
      }
      case "StopBuildBatch" -> answer(service.stop(id(CodeBuildApi.required(in, "id"))));
      case "RetryBuildBatch" ->
          answer(
              service.retry(
                  id(CodeBuildApi.required(in, "id")),
                  in.path("retryType").asText("RETRY_FAILED_BUILDS")));
      case "DeleteBuildBatch" -> service.delete(id(CodeBuildApi.required(in, "id")));
      default -> throw new IllegalArgumentException(operation);
    };
  }

  private JsonNode start(ObjectNode in, String caller) throws ApiException, SQLException {
    String name = CodeBuildApi.required(in, "projectName");
    ObjectNode project =
        projects
            .get(name)
            .orElseThrow(
                () -> ApiException.notFound("Project cannot be found: " + projectArn + name));
    return answer(service.start(name, project, CodeBuildApi.fromClient(in), caller));
  }

  private JsonNode batchGet(ObjectNode in) throws ApiException, SQLException {
    JsonNode ids = in.get("ids");
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      throw ApiException.invalid("Batch build ids cannot be empty");
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode found = out.putArray("buildBatches");
    ArrayNode missing = out.putArray("buildBatchesNotFound");
    for (JsonNode n : ids) {
      Optional<BuildStore.Row> row = batches.get(id(n.asText()));
      if (row.isPresent()) {
        found.add(service.shown(row.get()));
      } else {
        missing.add(n.asText());
      }
    }
    return out;
  }

  private JsonNode list(String project, ObjectNode in) throws ApiException, SQLException {
    String status = in.path("filter").path("status").asText(null);
    boolean ascending = "ASCENDING".equals(in.path("sortOrder").asText("DESCENDING"));
    return CodeBuildApi.page("ids", batches.ids(project, status, ascending), in);
  }

  /** A batch's id from its id or ARN. */
  private static String id(String ref) {
    return ref.startsWith("arn:") ? ref.substring(ref.indexOf(":build-batch/") + 13) : ref;
  }

  private static ObjectNode answer(JsonNode batch) {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set("buildBatch", batch);
    return out;
  }
}
