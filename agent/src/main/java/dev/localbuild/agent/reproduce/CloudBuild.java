package dev.localbuild.agent.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A build as CodeBuild recorded it: its {@code Build} (BatchGetBuilds), its project's {@code
 * Project} (BatchGetProjects) and its log's lines (GetLogEvents), each in the service's own JSON.
 */
public record CloudBuild(JsonNode build, JsonNode project, List<String> log) {
  public CloudBuild {
    log = List.copyOf(log);
  }

  public String id() {
    return build.path("id").asText();
  }

  public String projectName() {
    return build.path("projectName").asText();
  }

  /** The region its ARN names. */
  public String region() {
    String[] arn = build.path("arn").asText().split(":");
    return arn.length > 3 && !arn[3].isEmpty() ? arn[3] : "us-east-1";
  }

  /** The commit it built (or the version it was asked for, when none was resolved). */
  public String sourceVersion() {
    String resolved = build.path("resolvedSourceVersion").asText("");
    return resolved.isEmpty() ? build.path("sourceVersion").asText("") : resolved;
  }
}
