package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local Parameter Store and Secrets Manager: a JSON file the user edits, read again whenever it
 * changes. Shape:
 *
 * <pre>
 * {"parameters": {"/CodeBuild/token": "value", "/app/key": {"value": "v", "type": "SecureString"}},
 *  "secrets": {"dockerhub": "{\"username\":\"u\",\"password\":\"p\"}", "plain": "text"}}
 * </pre>
 */
final class ParameterFile {
  private final Path file;
  private long loadedStamp = -1;
  private ObjectNode content = Json.object();

  ParameterFile(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  synchronized ObjectNode content() {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\n  \"parameters\": {},\n  \"secrets\": {}\n}\n");
      }
      long stamp = Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
      if (stamp != loadedStamp) {
        JsonNode read = Json.MAPPER.readTree(file.toFile());
        content = read instanceof ObjectNode o ? o : Json.object();
        loadedStamp = stamp;
      }
      return content;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** When the file last changed (epoch seconds): the date of entries written there by hand. */
  synchronized double modified() {
    try {
      return Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() / 1000.0 : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Adds or replaces an entry, as PutParameter or CreateSecret would (used by tests and tools). */
  synchronized void put(String section, String name, JsonNode value) {
    ObjectNode c = content();
    c.with(section).set(name, value);
    try {
      Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
      loadedStamp = -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
