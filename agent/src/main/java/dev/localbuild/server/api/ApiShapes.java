package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Records as the JSON 1.1 protocol carries them: timestamps are epoch seconds (numbers), where the
 * command line's {@code --json} shows ISO 8601 as the AWS CLI prints them.
 */
public final class ApiShapes {
  private static final Set<String> TIMESTAMPS =
      Set.of(
          "startTime",
          "endTime",
          "created",
          "lastModified",
          "lastModifiedSecret",
          "requestedOn",
          "requestTime",
          "submitTime");

  private ApiShapes() {}

  /** A copy with every timestamp member as epoch seconds, at any depth. */
  public static JsonNode wire(JsonNode n) {
    JsonNode copy = n.deepCopy();
    convert(copy);
    return copy;
  }

  private static void convert(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (var it = o.properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (TIMESTAMPS.contains(e.getKey()) && e.getValue().isTextual()) {
          try {
            Instant i = Instant.parse(e.getValue().asText());
            o.put(e.getKey(), i.getEpochSecond() + i.getNano() / 1e9);
          } catch (DateTimeParseException notATime) {
            // left as it is
          }
        } else {
          convert(e.getValue());
        }
      }
    } else if (n instanceof ArrayNode a) {
      a.forEach(ApiShapes::convert);
    }
  }
}
