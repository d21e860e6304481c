package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An AWS service's model, as botocore ships it with the AWS CLI: the exact shapes of its
 * operations' outputs, to check the server's answers against (required members, types, enums, and
 * no member the model does not have).
 */
public final class ServiceModel {
  private final JsonNode model;

  private ServiceModel(JsonNode model) {
    this.model = model;
  }

  /** The model of a service from the botocore this machine's Python has. */
  public static ServiceModel botocore(String service, String version) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3", "-c", "import botocore, os; print(os.path.dirname(botocore.__file__))")
            .redirectErrorStream(true)
            .start();
    String dir = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("botocore is not installed for python3: " + dir);
    }
    Path file = Path.of(dir, "data", service, version, "service-2.json.gz");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new ServiceModel(new ObjectMapper().readTree(in));
    }
  }

  private boolean cli;

  /**
   * What is wrong with an operation's output as the AWS CLI prints it (timestamps as ISO 8601
   * text); empty when it fits the model.
   */
  public List<String> checkCliOutput(String operation, JsonNode output) {
    cli = true;
    try {
      return checkOutput(operation, output);
    } finally {
      cli = false;
    }
  }

  /** What is wrong with an operation's output on the wire; empty when it fits the model. */
  public List<String> checkOutput(String operation, JsonNode output) {
    List<String> problems = new ArrayList<>();
    JsonNode op = model.path("operations").path(operation);
    if (op.isMissingNode()) {
      problems.add("no operation " + operation);
      return problems;
    }
    check(op.path("output").path("shape").asText(), output, operation, problems);
    return problems;
  }

  private void check(String shapeName, JsonNode value, String where, List<String> problems) {
    JsonNode shape = model.path("shapes").path(shapeName);
    String type = shape.path("type").asText();
    switch (type) {
      case "structure" -> {
        if (!value.isObject()) {
          problems.add(where + ": expected an object (" + shapeName + ")");
          return;
        }
        for (JsonNode r : shape.path("required")) {
          if (!value.has(r.asText())) {
            problems.add(where + ": missing required " + r.asText() + " (" + shapeName + ")");
          }
        }
        value
            .properties()
            .forEach(e -> {
              JsonNode member = shape.path("members").path(e.getKey());
              if (member.isMissingNode()) {
                problems.add(where + "." + e.getKey() + ": not a member of " + shapeName);
              } else {
                check(
                    member.path("shape").asText(),
                    e.getValue(),
                    where + "." + e.getKey(),
                    problems);
              }
            });
      }
      case "list" -> {
        if (!value.isArray()) {
          problems.add(where + ": expected a list (" + shapeName + ")");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(
              shape.path("member").path("shape").asText(),
              value.get(i),
              where + "[" + i + "]",
              problems);
        }
      }
      case "map" -> {
        if (!value.isObject()) {
          problems.add(where + ": expected a map (" + shapeName + ")");
          return;
        }
        value
            .properties()
            .forEach(e ->
                check(
                    shape.path("value").path("shape").asText(),
                    e.getValue(),
                    where + "." + e.getKey(),
                    problems));
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(where + ": expected a string (" + shapeName + "), got " + value);
        } else if (shape.has("enum")) {
          boolean ok = false;
          for (JsonNode e : shape.path("enum")) {
            ok |= e.asText().equals(value.asText());
          }
          if (!ok) {
            problems.add(where + ": " + value.asText() + " is not one of " + shape.path("enum"));
          }
        }
      }
      case "integer", "long" -> {
        if (!value.isIntegralNumber()) {
          problems.add(where + ": expected an integer (" + shapeName + "), got " + value);
        }
      }
      case "double", "float" -> {
        if (!value.isNumber()) {
          problems.add(where + ": expected a number (" + shapeName + ")");
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(where + ": expected a boolean (" + shapeName + "), got " + value);
        }
      }
      case "timestamp" -> {
        if (!value.isNumber() && !(cli && value.isTextual())) {
          problems.add(where + ": expected epoch seconds (" + shapeName + "), got " + value);
        }
      }
      default -> problems.add(where + ": unknown shape type " + type + " of " + shapeName);
    }
  }
}
