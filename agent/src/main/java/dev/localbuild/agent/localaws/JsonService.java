package dev.localbuild.agent.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One AWS JSON-protocol service: answers {@code X-Amz-Target: <prefix>.<Operation>} requests. */
interface JsonService {
  /** The {@code X-Amz-Target} prefix, e.g. {@code AmazonSSM}. */
  String targetPrefix();

  /**
   * Answers one operation.
   *
   * @param caller the caller's address (a container, or this machine)
   * @throws AwsError for an answer AWS would give as an error
   */
  ObjectNode handle(String operation, JsonNode request, String caller);
}
