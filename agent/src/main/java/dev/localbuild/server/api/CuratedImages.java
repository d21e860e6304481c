package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildLauncher.LocalImage;
import dev.localbuild.agent.record.RecordJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ListCuratedEnvironmentImages on this host: the build images it has. CodeBuild's curated images
 * are not published to any registry, so a host has those its users built from AWS's Dockerfiles
 * ({@code localbuild image build}) under their curated names, and localbuild's own default image.
 */
final class CuratedImages {
  /** localbuild's default image. */
  static final String STANDARD = "localbuild/standard";

  private CuratedImages() {}

  /** The answer: platforms, each with its images (language BASE: they carry several runtimes). */
  static ObjectNode answer(List<LocalImage> images) {
    Map<String, Map<String, LocalImage>> byPlatform = new TreeMap<>();
    for (LocalImage i : images) {
      String repository = i.tag().substring(0, i.tag().lastIndexOf(':'));
      String platform = platform(repository);
      if (platform != null) {
        byPlatform.computeIfAbsent(platform, p -> new TreeMap<>()).put(i.tag(), i);
      }
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode platforms = out.putArray("platforms");
    byPlatform.forEach((platform, tags) -> {
      ObjectNode p = platforms.addObject().put("platform", platform);
      ArrayNode list =
          p.putArray("languages").addObject().put("language", "BASE").putArray("images");
      tags.values()
          .forEach(i -> {
            ObjectNode image =
                list.addObject().put("name", i.tag()).put("description", description(i.tag()));
            String shortId = i.id().replace("sha256:", "");
            image
                .putArray("versions")
                .add(i.tag() + "-" + shortId.substring(0, Math.min(12, shortId.length())));
          });
    });
    return out;
  }

  /** CodeBuild's platform of a curated image; null for an image that is not a build image. */
  static String platform(String repository) {
    if (repository.equals(STANDARD)) {
      return "DEBIAN";
    }
    if (!repository.startsWith("aws/codebuild/")) {
      return null;
    }
    String name = repository.substring("aws/codebuild/".length());
    if (name.contains("windows")) {
      return "WINDOWS_SERVER";
    }
    if (name.contains("amazonlinux")) {
      return "AMAZON_LINUX";
    }
    return "UBUNTU";
  }

  private static String description(String tag) {
    return tag.startsWith(STANDARD)
        ? "localbuild's default build image: Debian 12, with the runtimes of its runtimes.yml"
        : "AWS CodeBuild curated image, built on this host from AWS's Dockerfiles";
  }
}
