package dev.localbuild.agent.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** SSM Parameter Store: GetParameter, GetParameters and PutParameter over the parameter file. */
final class SsmService implements JsonService {
  private final ParameterFile file;
  private final String region;
  private final String account;

  SsmService(ParameterFile file, String region, String account) {
    this.file = file;
    this.region = region;
    this.account = account;
  }

  @Override
  public String targetPrefix() {
    return "AmazonSSM";
  }

  @Override
  public ObjectNode handle(String operation, JsonNode request, String caller) {
    return switch (operation) {
      case "GetParameter" -> {
        String name = Json.required(request, "Name");
        ObjectNode p = parameter(name);
        if (p == null) {
          throw new AwsError("ParameterNotFound", "Parameter " + name + " not found.");
        }
        ObjectNode out = Json.object();
        out.set("Parameter", p);
        yield out;
      }
      case "GetParameters" -> {
        ArrayNode found = Json.array();
        ArrayNode invalid = Json.array();
        for (JsonNode n : request.path("Names")) {
          ObjectNode p = parameter(n.asText());
          if (p == null) {
            invalid.add(n.asText());
          } else {
            found.add(p);
          }
        }
        ObjectNode out = Json.object();
        out.set("Parameters", found);
        out.set("InvalidParameters", invalid);
        yield out;
      }
      case "PutParameter" -> {
        String name = Json.required(request, "Name");
        ObjectNode entry =
            Json.object()
                .put("value", Json.required(request, "Value"))
                .put("type", request.path("Type").asText("String"));
        file.put("parameters", name, entry);
        yield Json.object().put("Version", 1).put("Tier", "Standard");
      }
      default ->
          throw new AwsError(
              "InvalidAction", "The local Parameter Store does not implement " + operation);
    };
  }

  private ObjectNode parameter(String name) {
    JsonNode e = file.content().path("parameters").get(name);
    if (e == null) {
      return null;
    }
    String value = e.isObject() ? e.path("value").asText() : e.asText();
    String type = e.isObject() ? e.path("type").asText("String") : "String";
    return Json.object()
        .put("Name", name)
        .put("Type", type)
        .put("Value", value)
        .put("Version", 1)
        .put("LastModifiedDate", Json.time(Instant.now()))
        .put(
            "ARN",
            "arn:aws:ssm:"
                + region
                + ":"
                + account
                + ":parameter"
                + (name.startsWith("/") ? "" : "/")
                + name)
        .put("DataType", "text");
  }
}
