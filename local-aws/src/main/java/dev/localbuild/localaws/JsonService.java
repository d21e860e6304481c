package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.localaws.auth.AccessKey;
import java.util.List;

/** One AWS JSON-protocol service: answers {@code X-Amz-Target: <prefix>.<Operation>} requests. */
interface JsonService {
  /** The {@code X-Amz-Target} prefix, e.g. {@code AmazonSSM}. */
  String targetPrefix();

  /** The service's prefix in IAM actions, e.g. {@code ssm} of {@code ssm:GetParameters}. */
  String iamPrefix();

  /**
   * The ARNs an operation acts on, which the caller's policy must allow; {@code *} for operations
   * on no resource in particular (IAM's "all resources").
   */
  default List<String> resources(String operation, JsonNode request) {
    return List.of("*");
  }

  /**
   * Answers one operation.
   *
   * @param caller the caller's address (a container, or this machine)
   * @throws AwsError for an answer AWS would give as an error
   */
  ObjectNode handle(String operation, JsonNode request, String caller);

  /** Answers one operation for a signed caller (what the caller is matters to a few). */
  default ObjectNode handle(String operation, JsonNode request, String caller, AccessKey key) {
    return handle(operation, request, caller);
  }
}
