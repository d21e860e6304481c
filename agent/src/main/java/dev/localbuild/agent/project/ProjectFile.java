package dev.localbuild.agent.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a project file: the JSON of {@code aws codebuild create-project --cli-input-json}, or what
 * {@code aws codebuild batch-get-projects} prints (a {@code projects} array; the one project in it,
 * or the one named). Errors name the file and the key.
 */
public final class ProjectFile {
  private ProjectFile() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> CACHE_MODES =
      Set.of("LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE");

  /** A project file that cannot be used; the message says where. */
  public static final class ProjectFileException extends Exception {
    ProjectFileException(String message) {
      super(message);
    }
  }

  public static ProjectConfig read(Path file, @Nullable String name) throws ProjectFileException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ProjectFileException(file + ": no such file");
    } catch (JsonProcessingException e) {
      throw new ProjectFileException(
          file + ":" + e.getLocation().getLineNr() + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProjectFileException(file + ": " + e.getMessage());
    }
    return parse(root, name, file.toString());
  }

  public static ProjectConfig parse(JsonNode root, @Nullable String name, String where)
      throws ProjectFileException {
    JsonNode p = root;
    if (root.has("projects")) {
      List<JsonNode> found = new ArrayList<>();
      root.get("projects")
          .forEach(n -> {
            if (name == null || name.equals(n.path("name").asText())) {
              found.add(n);
            }
          });
      if (found.size() != 1) {
        throw new ProjectFileException(
            where
                + ": projects: "
                + (found.isEmpty() ? "no project" : found.size() + " projects")
                + (name == null ? "; name one with --project-name" : " named " + name));
      }
      p = found.get(0);
    }
    String projectName = text(p, "name");
    if (projectName == null) {
      throw new ProjectFileException(where + ": name: a project needs a name");
    }
    if (!validName(projectName)) {
      throw new ProjectFileException(
          where
              + ": name: '"
              + projectName
              + "' is not a CodeBuild project name: 2 to 255 letters, digits, - and _,"
              + " starting with a letter or digit");
    }
    List<ProjectConfig.Source> secondary = new ArrayList<>();
    for (JsonNode s : p.path("secondarySources")) {
      secondary.add(source(s, where + ": secondarySources"));
    }
    Map<String, String> secondaryVersions = new LinkedHashMap<>();
    p.path("secondarySourceVersions")
        .forEach(v ->
            secondaryVersions.put(
                v.path("sourceIdentifier").asText(), v.path("sourceVersion").asText()));
    List<ProjectConfig.Artifacts> secondaryArtifacts = new ArrayList<>();
    for (JsonNode a : p.path("secondaryArtifacts")) {
      ProjectConfig.Artifacts sa = artifacts(a, where + ": secondaryArtifacts");
      if (sa.artifactIdentifier() == null) {
        throw new ProjectFileException(
            where + ": secondaryArtifacts: every secondary artifact needs an artifactIdentifier");
      }
      secondaryArtifacts.add(sa);
    }
    Integer timeout = p.has("timeoutInMinutes") ? p.get("timeoutInMinutes").asInt() : null;
    if (timeout != null && (timeout < 5 || timeout > 2160)) {
      throw new ProjectFileException(
          where + ": timeoutInMinutes: " + timeout + " is outside CodeBuild's 5 to 2160");
    }
    return new ProjectConfig(
        projectName,
        p.has("source") ? source(p.get("source"), where + ": source") : null,
        secondary,
        text(p, "sourceVersion"),
        secondaryVersions,
        environment(p.path("environment"), where),
        cache(p.path("cache"), where),
        timeout,
        p.has("artifacts") ? artifacts(p.get("artifacts"), where + ": artifacts") : null,
        secondaryArtifacts,
        extensions(p.path("x-localbuild")),
        serviceRole(p, where),
        text(p, "encryptionKey"),
        p.has("buildBatchConfig") ? batchConfig(p.get("buildBatchConfig"), where) : null);
  }

  /** {@code buildBatchConfig} (its serviceRole and batchReportMode change nothing here). */
  private static ProjectConfig.BatchConfig batchConfig(JsonNode b, String where)
      throws ProjectFileException {
    JsonNode r = b.path("restrictions");
    Integer timeout = b.has("timeoutInMins") ? b.get("timeoutInMins").asInt() : null;
    if (timeout != null && (timeout < 5 || timeout > 2160)) {
      throw new ProjectFileException(
          where
              + ": buildBatchConfig.timeoutInMins: "
              + timeout
              + " is outside CodeBuild's 5 to 2160");
    }
    Integer max = r.has("maximumBuildsAllowed") ? r.get("maximumBuildsAllowed").asInt() : null;
    if (max != null && max < 1) {
      throw new ProjectFileException(
          where
              + ": buildBatchConfig.restrictions.maximumBuildsAllowed: "
              + max
              + " is not a number of builds");
    }
    List<String> types = new ArrayList<>();
    r.path("computeTypesAllowed").forEach(t -> types.add(t.asText()));
    return new ProjectConfig.BatchConfig(
        b.path("combineArtifacts").asBoolean(false), timeout, max, types);
  }

  /** {@code serviceRole}: a role name or ARN, as CreateProject takes it. */
  private static @Nullable String serviceRole(JsonNode p, String where)
      throws ProjectFileException {
    String role = text(p, "serviceRole");
    if (role != null
        && !role.matches("(arn:aws:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*)?[\\w+=,.@-]{1,64}")) {
      throw new ProjectFileException(
          where + ": serviceRole: '" + role + "' is neither a role name nor a role's ARN");
    }
    return role;
  }

  /**
   * CodeBuild's rule for a project name ({@code [A-Za-z0-9][A-Za-z0-9\-_]{1,254}}): it also keeps
   * the name a single safe segment of the paths under {@code $LOCALBUILD_HOME} it names.
   */
  public static boolean validName(String name) {
    return name.matches("[A-Za-z0-9][A-Za-z0-9_-]{1,254}");
  }

  private static ProjectConfig.Source source(JsonNode s, String where) throws ProjectFileException {
    String type = text(s, "type");
    if (type == null) {
      throw new ProjectFileException(where + ".type: a source needs a type");
    }
    return new ProjectConfig.Source(
        type,
        text(s, "location"),
        text(s, "buildspec"),
        s.path("gitCloneDepth").asInt(0),
        text(s, "sourceIdentifier"));
  }

  private static ProjectConfig.Environment environment(JsonNode e, String where)
      throws ProjectFileException {
    List<ProjectConfig.Variable> vars = new ArrayList<>();
    for (JsonNode v : e.path("environmentVariables")) {
      String type = v.path("type").asText("PLAINTEXT");
      if (!Set.of("PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER").contains(type)) {
        throw new ProjectFileException(
            where
                + ": environment.environmentVariables: "
                + v.path("name").asText()
                + ": type "
                + type
                + " is not PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER");
      }
      vars.add(
          new ProjectConfig.Variable(v.path("name").asText(), v.path("value").asText(""), type));
    }
    String computeType = e.path("computeType").asText("BUILD_GENERAL1_SMALL");
    if (ComputeType.of(computeType).isEmpty()) {
      throw new ProjectFileException(
          where
              + ": environment.computeType: "
              + computeType
              + " is not a compute type this host runs (one of "
              + ComputeType.names()
              + ")");
    }
    return new ProjectConfig.Environment(
        text(e, "image"), computeType, e.path("privilegedMode").asBoolean(false), vars);
  }

  private static ProjectConfig.Cache cache(JsonNode c, String where) throws ProjectFileException {
    if (c.isMissingNode()) {
      return ProjectConfig.Cache.NONE;
    }
    String type = c.path("type").asText("NO_CACHE");
    List<String> modes = new ArrayList<>();
    c.path("modes").forEach(m -> modes.add(m.asText()));
    switch (type) {
      case "NO_CACHE" -> {}
      case "S3" -> {
        if (text(c, "location") == null) {
          throw new ProjectFileException(
              where + ": cache.location: an S3 cache needs a location (bucket[/prefix])");
        }
      }
      case "LOCAL" -> {
        for (String m : modes) {
          if (!CACHE_MODES.contains(m)) {
            throw new ProjectFileException(
                where + ": cache.modes: " + m + " is not one of " + CACHE_MODES);
          }
        }
      }
      default ->
          throw new ProjectFileException(
              where + ": cache.type: " + type + " is not NO_CACHE, LOCAL or S3");
    }
    return new ProjectConfig.Cache(type, text(c, "location"), modes, text(c, "cacheNamespace"));
  }

  private static ProjectConfig.Artifacts artifacts(JsonNode a, String where)
      throws ProjectFileException {
    String type = a.path("type").asText("NO_ARTIFACTS");
    if (!Set.of("S3", "NO_ARTIFACTS", "CODEPIPELINE").contains(type)) {
      throw new ProjectFileException(
          where + ".type: " + type + " is not S3, NO_ARTIFACTS or CODEPIPELINE");
    }
    if (type.equals("S3") && text(a, "location") == null) {
      throw new ProjectFileException(where + ".location: S3 artifacts need a bucket");
    }
    String packaging = text(a, "packaging");
    if (packaging != null && !Set.of("ZIP", "NONE").contains(packaging)) {
      throw new ProjectFileException(where + ".packaging: " + packaging + " is not ZIP or NONE");
    }
    String namespace = text(a, "namespaceType");
    if (namespace != null && !Set.of("BUILD_ID", "NONE").contains(namespace)) {
      throw new ProjectFileException(
          where + ".namespaceType: " + namespace + " is not BUILD_ID or NONE");
    }
    return new ProjectConfig.Artifacts(
        type,
        text(a, "location"),
        text(a, "path"),
        text(a, "namespaceType"),
        text(a, "name"),
        text(a, "packaging"),
        a.path("overrideArtifactName").asBoolean(false),
        text(a, "artifactIdentifier"));
  }

  private static ProjectConfig.Extensions extensions(JsonNode x) {
    if (x.isMissingNode()) {
      return ProjectConfig.Extensions.NONE;
    }
    List<String> cacheFrom = new ArrayList<>();
    x.path("cacheFrom").forEach(c -> cacheFrom.add(c.asText()));
    List<ProjectConfig.RegistryCredential> creds = new ArrayList<>();
    x.path("registryCredentials")
        .forEach(c ->
            creds.add(
                new ProjectConfig.RegistryCredential(
                    c.path("registry").asText(),
                    c.path("usernameVariable").asText(),
                    c.path("passwordVariable").asText())));
    return new ProjectConfig.Extensions(
        cacheFrom,
        text(x, "registryMirror"),
        creds,
        x.path("dockerLayerCacheLimitBytes")
            .asLong(ProjectConfig.Extensions.DEFAULT_LAYER_CACHE_LIMIT));
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
