package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import java.sql.SQLException;
import java.util.List;

/**
 * The part of CloudWatch Logs ({@code Logs_20140328.*}) that reads build logs: a build's log is the
 * stream {@code <uuid>} of the group {@code /aws/codebuild/<project>}, as its record's {@code logs}
 * says, readable while it runs and after. Tokens carry the event sequence.
 */
public final class LogsApi {
  private static final int MAX_LIMIT = 10_000;
  private final BuildStore builds;

  public LogsApi(BuildStore builds) {
    this.builds = builds;
  }

  public JsonNode call(String operation, ObjectNode in) throws ApiException, SQLException {
    return switch (operation) {
      case "GetLogEvents" -> getLogEvents(in);
      default ->
          throw new ApiException(
              "UnknownOperationException", "Unknown operation Logs_20140328." + operation);
    };
  }

  private JsonNode getLogEvents(ObjectNode in) throws ApiException, SQLException {
    String group = CodeBuildApi.required(in, "logGroupName");
    String stream = CodeBuildApi.required(in, "logStreamName");
    if (!group.startsWith("/aws/codebuild/")) {
      throw ApiException.notFound("The specified log group does not exist.");
    }
    String id = group.substring("/aws/codebuild/".length()) + ":" + stream;
    if (builds.get(id).isEmpty()) {
      throw ApiException.notFound("The specified log stream does not exist.");
    }
    int limit = Math.min(MAX_LIMIT, in.path("limit").asInt(MAX_LIMIT));
    if (limit < 1) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + in.path("limit").asText()
              + "' at 'limit' failed to satisfy constraint: Member must have value greater than"
              + " or equal to 1");
    }
    String token = in.path("nextToken").asText(null);
    boolean fromHead = in.path("startFromHead").asBoolean(false);
    long after = 0;
    long before = Long.MAX_VALUE;
    if (token != null) {
      if (!token.matches("[fb]/\\d+")) {
        throw ApiException.invalid("The specified nextToken is invalid.");
      }
      long seq = Long.parseLong(token.substring(2));
      if (token.startsWith("f/")) {
        after = seq;
        fromHead = true;
      } else {
        before = seq;
        fromHead = false;
      }
    }
    List<BuildStore.LogLine> lines = builds.log(id, after, before, limit, fromHead);
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode events = out.putArray("events");
    for (BuildStore.LogLine l : lines) {
      events
          .addObject()
          .put("timestamp", l.atMillis())
          .put("message", l.text())
          .put("ingestionTime", l.atMillis());
    }
    // as CloudWatch: with nothing new, the forward token stays the same (a follower's signal)
    long last =
        lines.isEmpty()
            ? (token != null && token.startsWith("f/") ? after : 0)
            : lines.getLast().seq();
    long first =
        lines.isEmpty()
            ? (token != null && token.startsWith("b/") ? before : 1)
            : lines.getFirst().seq();
    out.put("nextForwardToken", "f/" + last);
    out.put("nextBackwardToken", "b/" + first);
    return out;
  }
}
