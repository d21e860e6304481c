package dev.localbuild.localaws;

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
  public String iamPrefix() {
    return "ssm";
  }

  @Override
  public java.util.List<String> resources(String operation, JsonNode request) {
    java.util.List<String> names = new java.util.ArrayList<>();
    if (request.hasNonNull("Name")) {
      names.add(request.get("Name").asText());
    }
    request.path("Names").forEach(n -> names.add(n.asText()));
    return names.isEmpty() ? java.util.List.of("*") : names.stream().map(this::arn).toList();
  }

  String arn(String name) {
    return "arn:aws:ssm:"
        + region
        + ":"
        + account
        + ":parameter"
        + (name.startsWith("/") ? "" : "/")
        + name;
  }

  @Override
  public ObjectNode handle(String operation, JsonNode request, String caller) {
    return switch (operation) {
      case "GetParameter" -> {
        String name = Json.required(request, "Name");
        ObjectNode p = parameter(name, request.path("WithDecryption").asBoolean(false));
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
          ObjectNode p = parameter(n.asText(), request.path("WithDecryption").asBoolean(false));
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
        synchronized (file) {
          JsonNode existing = file.content().path("parameters").get(name);
          boolean overwrite = request.path("Overwrite").asBoolean(false);
          if (existing != null && !overwrite) {
            throw new AwsError(
                "ParameterAlreadyExists",
                "The parameter already exists. To overwrite this value, set the overwrite option"
                    + " in the request to true.");
          }
          long version =
              existing == null
                  ? 1
                  : (existing.isObject() ? existing.path("version").asLong(1) : 1) + 1;
          ObjectNode entry =
              Json.object()
                  .put("value", Json.required(request, "Value"))
                  .put("type", request.path("Type").asText("String"))
                  .put("version", version)
                  .put("lastModified", Json.time(Instant.now()));
          file.put("parameters", name, entry);
          yield Json.object().put("Version", version).put("Tier", "Standard");
        }
      }
      default ->
          throw new AwsError(
              "InvalidAction", "The local Parameter Store does not implement " + operation);
    };
  }

  /**
   * A parameter as GetParameter shows it. A SecureString without WithDecryption shows its
   * ciphertext, as AWS does (here an opaque base64 blob that decrypts to nothing), and
   * LastModifiedDate is when it was put, or when the parameters file last changed for entries
   * written there by hand.
   */
  private ObjectNode parameter(String name, boolean decrypt) {
    JsonNode e = file.content().path("parameters").get(name);
    if (e == null) {
      return null;
    }
    String value = e.isObject() ? e.path("value").asText() : e.asText();
    String type = e.isObject() ? e.path("type").asText("String") : "String";
    if (type.equals("SecureString") && !decrypt) {
      value = ciphertext(name, value);
    }
    double modified =
        e.isObject() && e.has("lastModified") ? e.get("lastModified").asDouble() : file.modified();
    return Json.object()
        .put("Name", name)
        .put("Type", type)
        .put("Value", value)
        .put("Version", e.isObject() ? e.path("version").asLong(1) : 1)
        .put("LastModifiedDate", modified)
        .put("ARN", arn(name))
        .put("DataType", "text");
  }

  private static String ciphertext(String name, String value) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest((name + "\0" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "AQICAHg" + java.util.Base64.getEncoder().encodeToString(h);
    } catch (java.security.NoSuchAlgorithmException x) {
      throw new IllegalStateException(x);
    }
  }
}
