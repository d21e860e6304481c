package dev.localbuild.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.store.SourceCredentialStore;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * ImportSourceCredentials, ListSourceCredentials and DeleteSourceCredentials: a token per Git
 * server type ({@code arn:aws:codebuild:REGION:ACCOUNT:token/github}), used to report build
 * statuses. The token is never answered back.
 */
public final class SourceCredentialsApi {
  static final List<String> SERVER_TYPES =
      List.of("GITHUB", "BITBUCKET", "GITHUB_ENTERPRISE", "GITLAB", "GITLAB_SELF_MANAGED");
  static final List<String> AUTH_TYPES = List.of("BASIC_AUTH", "PERSONAL_ACCESS_TOKEN", "OAUTH");

  private final SourceCredentialStore store;
  private final String arnPrefix;

  /**
   * @param arnPrefix {@code arn:aws:codebuild:REGION:ACCOUNT:}
   */
  public SourceCredentialsApi(SourceCredentialStore store, String arnPrefix) {
    this.store = store;
    this.arnPrefix = arnPrefix;
  }

  public JsonNode importCredentials(ObjectNode in) throws ApiException, SQLException {
    String token = in.path("token").asText("");
    String serverType = in.path("serverType").asText("");
    String authType = in.path("authType").asText("");
    if (token.isEmpty()) {
      throw ApiException.invalid("token must be specified");
    }
    if (!SERVER_TYPES.contains(serverType)) {
      throw new ApiException("InvalidInputException", "Invalid server type: " + serverType);
    }
    if (!AUTH_TYPES.contains(authType)) {
      throw new ApiException(
          "InvalidInputException",
          "Auth type "
              + authType
              + " is not supported here: use PERSONAL_ACCESS_TOKEN or BASIC_AUTH");
    }
    if (authType.equals("BASIC_AUTH") && !in.hasNonNull("username")) {
      throw new ApiException("InvalidInputException", "BASIC_AUTH needs a username");
    }
    boolean stored =
        store.put(
            new SourceCredentialStore.Credential(
                serverType, authType, in.path("username").asText(null), token),
            in.path("shouldOverwrite").asBoolean(false));
    if (!stored) {
      throw new ApiException(
          "ResourceAlreadyExistsException",
          "Source credentials for " + serverType + " already exist: " + arn(serverType));
    }
    return RecordJson.MAPPER.createObjectNode().put("arn", arn(serverType));
  }

  public JsonNode list() throws SQLException {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode infos = out.putArray("sourceCredentialsInfos");
    for (var c : store.list()) {
      infos
          .addObject()
          .put("arn", arn(c.serverType()))
          .put("serverType", c.serverType())
          .put("authType", c.authType());
    }
    return out;
  }

  public JsonNode delete(ObjectNode in) throws ApiException, SQLException {
    String arn = in.path("arn").asText("");
    String type = SERVER_TYPES.stream().filter(t -> arn(t).equals(arn)).findFirst().orElse(null);
    if (type == null || !store.delete(type)) {
      throw ApiException.notFound("Source credentials " + arn + " do not exist");
    }
    return RecordJson.MAPPER.createObjectNode().put("arn", arn);
  }

  private String arn(String serverType) {
    return arnPrefix + "token/" + serverType.toLowerCase(Locale.ROOT);
  }
}
