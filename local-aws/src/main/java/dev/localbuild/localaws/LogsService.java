package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * CloudWatch Logs' GetLogEvents over the local ECS's task logs ({@link TaskLogs}), so that what
 * reads a task's log in AWS (the deploy's report of a failed task, {@code aws logs get-log-events})
 * reads it here the same way.
 */
final class LogsService implements JsonService {
  private final TaskLogs logs;
  private final String region;
  private final String account;

  LogsService(TaskLogs logs, String region, String account) {
    this.logs = logs;
    this.region = region;
    this.account = account;
  }

  @Override
  public String targetPrefix() {
    return "Logs_20140328";
  }

  @Override
  public String iamPrefix() {
    return "logs";
  }

  @Override
  public List<String> resources(String operation, JsonNode request) {
    String group = group(request);
    return group == null
        ? List.of("*")
        : List.of(
            "arn:aws:logs:"
                + region
                + ":"
                + account
                + ":log-group:"
                + group
                + ":log-stream:"
                + request.path("logStreamName").asText(""));
  }

  /** {@code logGroupName}, or the name in a {@code logGroupIdentifier} (a name or an ARN). */
  private static String group(JsonNode request) {
    if (request.hasNonNull("logGroupName")) {
      return request.get("logGroupName").asText();
    }
    String id = request.path("logGroupIdentifier").asText(null);
    if (id != null && id.startsWith("arn:")) {
      String name = id.substring(id.indexOf(":log-group:") + ":log-group:".length());
      return name.endsWith(":*") ? name.substring(0, name.length() - 2) : name;
    }
    return id;
  }

  @Override
  public ObjectNode handle(String operation, JsonNode request, String caller) {
    if (!operation.equals("GetLogEvents")) {
      throw new AwsError(
          "InvalidAction", "The local CloudWatch Logs does not implement " + operation);
    }
    String group = group(request);
    if (group == null) {
      throw AwsError.invalid("Either logGroupName or logGroupIdentifier must be specified.");
    }
    String stream = Json.required(request, "logStreamName");
    long from = request.path("startTime").asLong(Long.MIN_VALUE);
    long to = request.path("endTime").asLong(Long.MAX_VALUE);
    List<TaskLogs.Event> events =
        logs.events(group, stream).stream()
            .filter(e -> e.timestamp() >= from && e.timestamp() < to)
            .toList();
    int limit = request.path("limit").asInt(10_000);
    if (limit < 1 || limit > 10_000) {
      throw AwsError.invalid("limit must be between 1 and 10000.");
    }
    Page page =
        page(
            events.size(),
            limit,
            request.path("nextToken").asText(null),
            request.path("startFromHead").asBoolean(false));
    ObjectNode out = Json.object();
    ArrayNode items = out.putArray("events");
    for (TaskLogs.Event e : events.subList(page.from(), page.to())) {
      items
          .addObject()
          .put("timestamp", e.timestamp())
          .put("message", e.message())
          .put("ingestionTime", e.timestamp());
    }
    out.put("nextForwardToken", "f/" + page.to());
    out.put("nextBackwardToken", "b/" + page.from());
    return out;
  }

  /** Which events [from, to) one answer holds. */
  record Page(int from, int to) {}

  /**
   * CloudWatch Logs' paging: from the head forwards, or from the tail backwards (its default), and
   * a token to go on in either direction ({@code f/<index>}, {@code b/<index>} here).
   */
  static Page page(int size, int limit, String token, boolean startFromHead) {
    if (token != null && token.matches("[fb]/\\d+")) {
      int at = Math.min(size, Integer.parseInt(token.substring(2)));
      return token.startsWith("f/")
          ? new Page(at, Math.min(size, at + limit))
          : new Page(Math.max(0, at - limit), at);
    }
    if (token != null) {
      throw AwsError.invalid("The specified nextToken is invalid.");
    }
    return startFromHead
        ? new Page(0, Math.min(size, limit))
        : new Page(Math.max(0, size - limit), size);
  }
}
