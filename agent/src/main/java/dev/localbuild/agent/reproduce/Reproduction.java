package dev.localbuild.agent.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.docker.CuratedImages;
import java.util.ArrayList;
import java.util.List;

/**
 * How a cloud build runs again here: its project as the build saw it (the build's record holds
 * every override StartBuild made: source and buildspec, secondary sources, environment with its
 * variables and their types, image, privileged mode, timeout, cache), at the commit it built, as
 * {@code localbuild run} flags.
 */
public final class Reproduction {
  private Reproduction() {}

  /**
   * The project with the build's overrides, in BatchGetProjects' shape (what {@code run --project}
   * reads).
   */
  public static ObjectNode project(CloudBuild cloud) {
    ObjectNode p = cloud.project().deepCopy();
    JsonNode b = cloud.build();
    for (String member :
        List.of("source", "secondarySources", "secondarySourceVersions", "environment", "cache")) {
      if (b.has(member)) {
        p.set(member, b.get(member).deepCopy());
      }
    }
    if (b.has("timeoutInMinutes")) {
      p.put("timeoutInMinutes", b.path("timeoutInMinutes").asInt());
    }
    if (b.has("queuedTimeoutInMinutes")) {
      p.put("queuedTimeoutInMinutes", b.path("queuedTimeoutInMinutes").asInt());
    }
    // the build's secondary sources carry the versions it built as sourceVersion
    for (JsonNode version : b.path("secondarySourceVersions")) {
      for (JsonNode source : p.path("secondarySources")) {
        if (source
                .path("sourceIdentifier")
                .asText()
                .equals(version.path("sourceIdentifier").asText())
            && source instanceof ObjectNode o) {
          o.put("sourceVersion", version.path("sourceVersion").asText());
        }
      }
    }
    p.remove("webhook"); // a build here starts no webhook
    p.remove("badge");
    return p;
  }

  /**
   * {@code localbuild run}'s flags for the build, after {@code --project FILE}: its project name,
   * version and region, the curated image's stand-in when this machine lacks the image.
   */
  public static List<String> runFlags(CloudBuild cloud) {
    List<String> flags = new ArrayList<>();
    flags.add("--project-name");
    flags.add(cloud.projectName());
    if (!cloud.sourceVersion().isEmpty()
        && !cloud.build().path("source").path("type").asText().equals("NO_SOURCE")) {
      flags.add("--source-version");
      flags.add(cloud.sourceVersion());
    }
    flags.add("--region");
    flags.add(cloud.region());
    if (CuratedImages.isCurated(cloud.build().path("environment").path("image").asText())) {
      // AWS publishes its images nowhere: the closest one here, which the run names as such
      flags.add("--image-fallback");
    }
    return flags;
  }
}
