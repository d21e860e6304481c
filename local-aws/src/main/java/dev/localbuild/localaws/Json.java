package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Jackson helpers for the AWS JSON protocol: timestamps are epoch seconds as numbers. */
final class Json {
  private Json() {}

  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static double time(Instant i) {
    return i.toEpochMilli() / 1000.0;
  }

  static String required(JsonNode request, String field) {
    JsonNode v = request.get(field);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      throw AwsError.invalid(field + " must be specified.");
    }
    return v.asText();
  }
}
