package dev.localbuild.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.IOException;

/** JSON as the stores keep it: text in a column, an object when read. */
final class StoredJson {
  private StoredJson() {}

  static ObjectNode object(String text, String what) {
    try {
      return (ObjectNode) RecordJson.MAPPER.readTree(text);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("a stored " + what + " is not a JSON object", e);
    }
  }
}
