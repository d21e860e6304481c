package dev.localbuild.agent.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code -e} environment file of AWS's local agent: {@code NAME=VALUE} per line, {@code #}
 * comments and blank lines ignored, values taken as written (quotes are kept, as the local agent
 * keeps them).
 */
public final class EnvFile {
  private EnvFile() {}

  /** Thrown for a line that is not {@code NAME=VALUE}; the message names the file and line. */
  public static final class EnvFileException extends Exception {
    public EnvFileException(String message) {
      super(message);
    }
  }

  public static Map<String, String> read(Path file) throws IOException, EnvFileException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  static Map<String, String> parse(List<String> lines, String location) throws EnvFileException {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? trimmed : line.substring(0, eq).strip();
      if (eq < 0 || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new EnvFileException(
            location + ":" + (i + 1) + ": expected NAME=VALUE, found: " + trimmed);
      }
      out.put(name, line.substring(eq + 1));
    }
    return out;
  }
}
