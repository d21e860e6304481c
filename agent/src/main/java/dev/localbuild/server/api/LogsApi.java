package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.BuildStore;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The part of CloudWatch Logs ({@code Logs_20140328.*}) that reads build logs: a build's log is the
 * stream {@code <uuid>} of the group {@code /aws/codebuild/<project>}, as its record's {@code logs}
 * says, readable while it runs and after. Tokens carry the event sequence.
 */
public final class LogsApi {
  private static final int MAX_LIMIT = 10_000;
  private static final int MAX_STREAMS = 50;
  // a FilterLogEvents call reads at most this many lines, then answers with a token to go on
  private static final int SCAN_PER_CALL = 50_000;
  private static final int SCAN_CHUNK = 1_000;
  private static final String GROUP_PREFIX = "/aws/codebuild/";
  private final BuildStore builds;
  private final String region;
  private final String account;

  public LogsApi(BuildStore builds, String region, String account) {
    this.builds = builds;
    this.region = region;
    this.account = account;
  }

  public JsonNode call(String operation, ObjectNode in) throws ApiException, SQLException {
    return switch (operation) {
      case "GetLogEvents" -> getLogEvents(in);
      case "DescribeLogStreams" -> describeLogStreams(in);
      case "FilterLogEvents" -> filterLogEvents(in);
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
    int limit = limit(in, MAX_LIMIT);
    String token = in.path("nextToken").asText(null);
    boolean fromHead = in.path("startFromHead").asBoolean(false);
    long after = 0;
    long before = Long.MAX_VALUE;
    if (token != null) {
      if (!token.matches("[fb]/\\d+")) {
        throw ApiException.invalidParameter("The specified nextToken is invalid.");
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

  /** The streams of a group: one per build of the project, named by the build's uuid. */
  private JsonNode describeLogStreams(ObjectNode in) throws ApiException, SQLException {
    String project = project(in);
    String prefix = in.path("logStreamNamePrefix").asText("");
    String orderBy = in.path("orderBy").asText("LogStreamName");
    if (!List.of("LogStreamName", "LastEventTime").contains(orderBy)) {
      throw ApiException.invalidParameter(
          "1 validation error detected: Value '"
              + orderBy
              + "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set:"
              + " [LogStreamName, LastEventTime]");
    }
    if (orderBy.equals("LastEventTime") && !prefix.isEmpty()) {
      throw ApiException.invalidParameter(
          "Cannot order by LastEventTime with a logStreamNamePrefix.");
    }
    int limit = limit(in, MAX_STREAMS);
    List<BuildStore.LogStream> streams = new ArrayList<>();
    for (BuildStore.LogStream s : builds.streams(project)) {
      if (stream(s.buildId()).startsWith(prefix)) {
        streams.add(s);
      }
    }
    Comparator<BuildStore.LogStream> order =
        orderBy.equals("LogStreamName")
            ? Comparator.comparing(s -> stream(s.buildId()))
            : Comparator.comparing((BuildStore.LogStream s) ->
                s.lastAtMillis() == null ? s.submittedMillis() : s.lastAtMillis());
    streams.sort(in.path("descending").asBoolean(false) ? order.reversed() : order);
    int from = offset(in);
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("logStreams");
    for (BuildStore.LogStream s :
        streams.subList(Math.min(from, streams.size()), Math.min(from + limit, streams.size()))) {
      ObjectNode o =
          a.addObject()
              .put("logStreamName", stream(s.buildId()))
              .put("creationTime", s.submittedMillis())
              .put(
                  "arn",
                  "arn:aws:logs:"
                      + region
                      + ":"
                      + account
                      + ":log-group:"
                      + GROUP_PREFIX
                      + project
                      + ":log-stream:"
                      + stream(s.buildId()))
              .put("storedBytes", 0);
      if (s.firstAtMillis() != null) {
        o.put("firstEventTimestamp", s.firstAtMillis());
        o.put("lastEventTimestamp", s.lastAtMillis());
        o.put("lastIngestionTime", s.lastAtMillis());
      }
    }
    if (from + limit < streams.size()) {
      out.put("nextToken", "o/" + (from + limit));
    }
    return out;
  }

  /**
   * The lines of a group's streams (all, or those named) that match a filter pattern, in time
   * order, a page at a time.
   */
  private JsonNode filterLogEvents(ObjectNode in) throws ApiException, SQLException {
    String project = project(in);
    if (in.has("logStreamNames") && in.has("logStreamNamePrefix")) {
      throw ApiException.invalidParameter(
          "logStreamNames and logStreamNamePrefix are mutually exclusive");
    }
    List<String> ids = null;
    if (in.has("logStreamNames")) {
      ids = new ArrayList<>();
      for (JsonNode n : in.path("logStreamNames")) {
        ids.add(project + ":" + n.asText());
      }
    } else if (in.has("logStreamNamePrefix")) {
      String prefix = in.path("logStreamNamePrefix").asText();
      ids = new ArrayList<>();
      for (String id : builds.ids(project, true)) {
        if (stream(id).startsWith(prefix)) {
          ids.add(id);
        }
      }
    }
    FilterPattern pattern = FilterPattern.parse(in.path("filterPattern").asText(""));
    int limit = limit(in, MAX_LIMIT);
    long from = in.path("startTime").asLong(0);
    long to = in.path("endTime").asLong(Long.MAX_VALUE);
    long at = -1;
    String build = "";
    long seq = -1;
    String token = in.path("nextToken").asText(null);
    if (token != null) {
      String[] t = decode(token).split("/", 3);
      if (t.length != 3 || !t[0].matches("\\d+") || !t[1].matches("\\d+")) {
        throw ApiException.invalidParameter("The specified nextToken is invalid.");
      }
      at = Long.parseLong(t[0]);
      seq = Long.parseLong(t[1]);
      build = t[2];
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode events = out.putArray("events");
    int scanned = 0;
    boolean more = false;
    if (ids == null || !ids.isEmpty()) {
      while (true) {
        List<BuildStore.ProjectLogLine> chunk =
            builds.projectLog(project, ids, from, to, at, build, seq, SCAN_CHUNK);
        for (BuildStore.ProjectLogLine l : chunk) {
          at = l.atMillis();
          build = l.buildId();
          seq = l.seq();
          scanned++;
          if (pattern.matches(l.text())) {
            events
                .addObject()
                .put("logStreamName", stream(l.buildId()))
                .put("timestamp", l.atMillis())
                .put("message", l.text())
                .put("ingestionTime", l.atMillis())
                .put("eventId", l.atMillis() + "-" + stream(l.buildId()) + "-" + l.seq());
            if (events.size() == limit) {
              break;
            }
          }
        }
        if (events.size() == limit || scanned >= SCAN_PER_CALL) {
          more = true;
          break;
        }
        if (chunk.size() < SCAN_CHUNK) {
          break;
        }
      }
    }
    if (more) {
      out.put("nextToken", encode(at + "/" + seq + "/" + build));
    }
    return out;
  }

  /** The project a group is: {@code /aws/codebuild/<project>}, with at least one build. */
  private String project(ObjectNode in) throws ApiException, SQLException {
    String group = in.path("logGroupName").asText(in.path("logGroupIdentifier").asText(""));
    if (group.isEmpty()) {
      throw ApiException.invalidParameter("Either logGroupName or logGroupIdentifier is required");
    }
    group = group.startsWith("arn:") ? group.substring(group.indexOf(":log-group:") + 11) : group;
    if (!group.startsWith(GROUP_PREFIX)
        || !builds.hasBuilds(group.substring(GROUP_PREFIX.length()))) {
      throw ApiException.notFound("The specified log group does not exist.");
    }
    return group.substring(GROUP_PREFIX.length());
  }

  private static String stream(String buildId) {
    return buildId.substring(buildId.indexOf(':') + 1);
  }

  private static int limit(ObjectNode in, int max) throws ApiException {
    int limit = in.path("limit").asInt(max);
    if (limit < 1 || limit > max) {
      throw ApiException.invalidParameter(
          "1 validation error detected: Value '"
              + in.path("limit").asText()
              + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and "
              + max);
    }
    return limit;
  }

  private static int offset(ObjectNode in) throws ApiException {
    String token = in.path("nextToken").asText(null);
    if (token == null) {
      return 0;
    }
    if (!token.matches("o/\\d+")) {
      throw ApiException.invalidParameter("The specified nextToken is invalid.");
    }
    return Integer.parseInt(token.substring(2));
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) throws ApiException {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidParameter("The specified nextToken is invalid.");
    }
  }
}
