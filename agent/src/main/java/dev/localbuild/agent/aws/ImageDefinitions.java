package dev.localbuild.agent.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code imagedefinitions.json}, the hand-off from a build to CodePipeline's ECS deploy action: a
 * JSON array of {@code {"name": <container>, "imageUri": <image>}}, UTF-8, at most 100 KB.
 */
public final class ImageDefinitions {
  private ImageDefinitions() {}

  static final int MAX_BYTES = 100 * 1024;

  /** One container's new image. */
  public record ImageDefinition(String name, String imageUri) {}

  /** A file that is not a valid image definitions file; the message says what is wrong. */
  public static final class InvalidImageDefinitions extends Exception {
    InvalidImageDefinitions(String message) {
      super(message);
    }
  }

  public static List<ImageDefinition> parse(byte[] content, String fileName)
      throws InvalidImageDefinitions {
    if (content.length > MAX_BYTES) {
      throw new InvalidImageDefinitions(
          fileName + " is " + content.length + " bytes; CodePipeline accepts at most 100 KB");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(new String(content, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InvalidImageDefinitions(fileName + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new InvalidImageDefinitions(
          fileName
              + " must be a JSON array of {\"name\": \"<container>\", \"imageUri\": \"<image>\"}");
    }
    List<ImageDefinition> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode e = root.get(i);
      if (!e.path("name").isTextual()
          || !e.path("imageUri").isTextual()
          || e.path("name").asText().isBlank()
          || e.path("imageUri").asText().isBlank()) {
        throw new InvalidImageDefinitions(
            fileName + "[" + i + "] must have a \"name\" and an \"imageUri\": " + e);
      }
      out.add(new ImageDefinition(e.get("name").asText(), e.get("imageUri").asText()));
    }
    return out;
  }

  /** What to tell someone who gave an {@code imageDetail.json} (ECS blue/green) instead. */
  public static String imageDetailExplanation() {
    return "imageDetail.json is the input of ECS blue/green deployments through CodeDeploy (the CodeDeployToECS"
        + " action, which fills <IMAGE1_NAME> in taskdef.json); CodePipeline's standard ECS deploy, which"
        + " localbuild runs, takes imagedefinitions.json: [{\"name\": \"<container name>\", \"imageUri\": \"<image>\"}]";
  }
}
