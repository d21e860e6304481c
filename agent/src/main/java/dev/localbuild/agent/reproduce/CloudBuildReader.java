package dev.localbuild.agent.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.aws.SignedJsonClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads a build, its project and its log from a CodeBuild endpoint (AWS, or a serve). */
public final class CloudBuildReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  // a log longer than this is compared by its first lines only
  static final int MAX_LOG_LINES = 200_000;
  private final SignedJsonClient codebuild;
  private final SignedJsonClient logs;

  /** What cannot be reproduced, said as the user should read it. */
  public static final class NotFound extends Exception {
    NotFound(String message) {
      super(message);
    }
  }

  public CloudBuildReader(SignedJsonClient codebuild, SignedJsonClient logs) {
    this.codebuild = codebuild;
    this.logs = logs;
  }

  /** A build id ({@code project:uuid}) from an id or a build ARN. */
  public static String id(String idOrArn) {
    int slash = idOrArn.indexOf(":build/");
    return idOrArn.startsWith("arn:") && slash > 0
        ? idOrArn.substring(slash + ":build/".length())
        : idOrArn;
  }

  public CloudBuild read(String idOrArn) throws IOException, NotFound {
    String id = id(idOrArn);
    ObjectNode req = JSON.createObjectNode();
    req.putArray("ids").add(id);
    JsonNode builds = codebuild.call("CodeBuild_20161006.BatchGetBuilds", req.toString());
    JsonNode build = builds.path("builds").path(0);
    if (build.isMissingNode()) {
      throw new NotFound("no build " + id + " there (BatchGetBuilds: buildsNotFound)");
    }
    String projectName = build.path("projectName").asText();
    ObjectNode preq = JSON.createObjectNode();
    preq.putArray("names").add(projectName);
    JsonNode project =
        codebuild
            .call("CodeBuild_20161006.BatchGetProjects", preq.toString())
            .path("projects")
            .path(0);
    if (project.isMissingNode()) {
      throw new NotFound(
          "build "
              + id
              + "'s project "
              + projectName
              + " is gone (BatchGetProjects: projectsNotFound); its settings cannot be read");
    }
    return new CloudBuild(build, project, log(build));
  }

  /** The build's log lines, from the start (none when it has no CloudWatch log). */
  List<String> log(JsonNode build) throws IOException {
    String group = build.path("logs").path("groupName").asText("");
    String stream = build.path("logs").path("streamName").asText("");
    List<String> lines = new ArrayList<>();
    if (group.isEmpty() || stream.isEmpty()) {
      return lines;
    }
    String token = null;
    while (lines.size() < MAX_LOG_LINES) {
      ObjectNode req =
          JSON.createObjectNode()
              .put("logGroupName", group)
              .put("logStreamName", stream)
              .put("startFromHead", true);
      if (token != null) {
        req.put("nextToken", token);
      }
      JsonNode page;
      try {
        page = logs.call("Logs_20140328.GetLogEvents", req.toString());
      } catch (SignedJsonClient.CallException e) {
        if (e.type().equals("ResourceNotFoundException")) {
          return lines; // the log was never written, or has expired
        }
        throw e;
      }
      // a multi-line command is one event in CloudWatch, as many lines on a terminal
      for (JsonNode e : page.path("events")) {
        String message = e.path("message").asText();
        if (message.endsWith("\n")) {
          message = message.substring(0, message.length() - 1);
        }
        lines.addAll(List.of(message.split("\n", -1)));
      }
      String next = page.path("nextForwardToken").asText(null);
      if (page.path("events").isEmpty() || next == null || next.equals(token)) {
        break;
      }
      token = next;
    }
    return lines;
  }
}
