package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** Secrets Manager: GetSecretValue (by name or ARN) and CreateSecret over the parameter file. */
final class SecretsService implements JsonService {
  private final ParameterFile file;
  private final String region;
  private final String account;

  SecretsService(ParameterFile file, String region, String account) {
    this.file = file;
    this.region = region;
    this.account = account;
  }

  @Override
  public String targetPrefix() {
    return "secretsmanager";
  }

  @Override
  public String iamPrefix() {
    return "secretsmanager";
  }

  @Override
  public java.util.List<String> resources(String operation, JsonNode request) {
    String id = request.path(operation.equals("CreateSecret") ? "Name" : "SecretId").asText("");
    return id.isEmpty() ? java.util.List.of("*") : java.util.List.of(arn(nameOf(id)));
  }

  @Override
  public ObjectNode handle(String operation, JsonNode request, String caller) {
    return switch (operation) {
      case "GetSecretValue" -> {
        String id = Json.required(request, "SecretId");
        String name = nameOf(id);
        JsonNode secret = file.content().path("secrets").get(name);
        if (secret == null) {
          throw new AwsError(
              "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        String stage = request.path("VersionStage").asText("AWSCURRENT");
        if (!stage.equals("AWSCURRENT")) {
          throw new AwsError(
              "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret value for staging label: " + stage);
        }
        String value = secret.isTextual() ? secret.asText() : secret.toString();
        yield Json.object()
            .put("ARN", arn(name))
            .put("Name", name)
            .put("VersionId", UUID.nameUUIDFromBytes(value.getBytes()).toString())
            .put("SecretString", value)
            .put("CreatedDate", file.modified())
            .set("VersionStages", Json.array().add("AWSCURRENT"));
      }
      case "CreateSecret" -> {
        String name = Json.required(request, "Name");
        synchronized (file) {
          if (file.content().path("secrets").has(name)) {
            throw new AwsError(
                "ResourceExistsException",
                "The operation failed because the secret " + name + " already exists.");
          }
          file.put(
              "secrets",
              name,
              Json.MAPPER.getNodeFactory().textNode(Json.required(request, "SecretString")));
        }
        yield Json.object().put("ARN", arn(name)).put("Name", name);
      }
      default ->
          throw new AwsError(
              "InvalidRequestException",
              "The local Secrets Manager does not implement " + operation);
    };
  }

  /** A secret id is its name or its ARN ({@code arn:aws:secretsmanager:r:a:secret:name-AbCdEf}). */
  String nameOf(String id) {
    if (!id.startsWith("arn:")) {
      return id;
    }
    String name = id.substring(id.indexOf(":secret:") + 8);
    // ARNs end in a dash and six random characters that the name does not have
    return file.content().path("secrets").has(name)
        ? name
        : name.replaceFirst("-[A-Za-z0-9]{6}$", "");
  }

  String arn(String name) {
    return "arn:aws:secretsmanager:"
        + region
        + ":"
        + account
        + ":secret:"
        + name
        + "-"
        + Integer.toHexString(name.hashCode() & 0xffffff).toUpperCase();
  }
}
