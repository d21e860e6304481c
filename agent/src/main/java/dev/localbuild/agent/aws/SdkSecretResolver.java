package dev.localbuild.agent.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbuild.buildspec.SecretRef;
import dev.localbuild.runtime.SecretResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * Parameter Store and Secrets Manager references resolved through the SDK, as CodeBuild does in
 * DOWNLOAD_SOURCE: parameters in batches of ten with decryption, secrets by id with the JSON key,
 * version stage or version id of the reference. Failures carry CodeBuild's wording. A secret read
 * twice in one build is fetched once.
 */
public final class SdkSecretResolver implements SecretResolver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AwsClients aws;
  private final Supplier<List<String>> credentialValues;

  /**
   * @param credentialValues what the build's credentials endpoint serves, to mask
   */
  public SdkSecretResolver(AwsClients aws, Supplier<List<String>> credentialValues) {
    this.aws = aws;
    this.credentialValues = credentialValues;
  }

  @Override
  public Map<String, String> resolve(Map<String, String> parameters, Map<String, SecretRef> secrets)
      throws SecretResolutionException {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      resolveParameters(parameters, out);
      Map<String, GetSecretValueResponse> fetched = new HashMap<>();
      for (var e : secrets.entrySet()) {
        SecretRef ref = e.getValue();
        String key = ref.secretId() + "|" + ref.versionStage() + "|" + ref.versionId();
        GetSecretValueResponse value = fetched.get(key);
        if (value == null) {
          var req = GetSecretValueRequest.builder().secretId(ref.secretId());
          if (ref.versionId() != null) {
            req.versionId(ref.versionId());
          } else if (ref.versionStage() != null) {
            req.versionStage(ref.versionStage());
          }
          value = aws.secrets().getSecretValue(req.build());
          fetched.put(key, value);
        }
        out.put(e.getKey(), extract(ref, value.secretString()));
      }
    } catch (SdkException e) {
      throw new SecretResolutionException(AwsErrors.message(e), e);
    }
    return out;
  }

  @Override
  public List<String> credentialValues() {
    return credentialValues.get();
  }

  private void resolveParameters(Map<String, String> parameters, Map<String, String> out)
      throws SecretResolutionException {
    List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(parameters.values()));
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < names.size(); i += 10) {
      int from = i;
      GetParametersResponse r =
          aws.ssm()
              .getParameters(b ->
                  b.names(names.subList(from, Math.min(names.size(), from + 10)))
                      .withDecryption(true));
      if (!r.invalidParameters().isEmpty()) {
        throw new SecretResolutionException(
            "parameter does not exist: " + r.invalidParameters().get(0));
      }
      for (Parameter p : r.parameters()) {
        values.put(p.name(), p.value());
      }
    }
    parameters.forEach((local, name) -> out.put(local, values.get(name)));
  }

  static String extract(SecretRef ref, String secret) throws SecretResolutionException {
    if (ref.jsonKey() == null) {
      return secret;
    }
    try {
      JsonNode n = JSON.readTree(secret).get(ref.jsonKey());
      if (n == null) {
        throw new SecretResolutionException(
            "secret key " + ref.jsonKey() + " does not exist in secret " + ref.secretId());
      }
      return n.isTextual() ? n.asText() : n.toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SecretResolutionException(
          "secret " + ref.secretId() + " is not JSON, so it has no key " + ref.jsonKey());
    }
  }
}
