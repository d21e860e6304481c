package dev.localbuild.buildspec.parse;

import static dev.localbuild.buildspec.parse.ParseContext.join;
import static dev.localbuild.buildspec.parse.ParseContext.line;

import dev.localbuild.buildspec.ArtifactsSpec;
import dev.localbuild.buildspec.Buildspec.Version;
import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.buildspec.ReportFormat;
import dev.localbuild.buildspec.ReportGroupSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

/** Parses what a build leaves behind: {@code reports}, {@code artifacts} and {@code cache}. */
final class OutputsParser {
  private OutputsParser() {}

  static final Set<String> REPORT_KEYS =
      Set.of("files", "base-directory", "discard-paths", "file-format");
  static final Set<String> ARTIFACT_KEYS =
      Set.of(
          "files",
          "name",
          "discard-paths",
          "base-directory",
          "exclude-paths",
          "enable-symlinks",
          "s3-prefix",
          "secondary-artifacts");
  static final Set<String> CACHE_KEYS = Set.of("paths", "key", "fallback-keys", "action");
  static final int MAX_REPORT_GROUPS = 5;
  static final int MAX_FALLBACK_KEYS = 5;

  static Map<String, ReportGroupSpec> reports(ParseContext cx, @Nullable Node node) {
    Map<String, ReportGroupSpec> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    Map<String, Node> groups = cx.namedMapping(node, "reports");
    if (groups.size() > MAX_REPORT_GROUPS) {
      cx.warn(
          node,
          "reports",
          "CodeBuild accepts at most "
              + MAX_REPORT_GROUPS
              + " report groups per project; this buildspec has "
              + groups.size());
    }
    for (var e : groups.entrySet()) {
      String path = join("reports", e.getKey());
      Map<String, Node> m = cx.mapping(e.getValue(), path, path, REPORT_KEYS);
      List<String> files =
          m.containsKey("files") ? cx.stringList(m.get("files"), join(path, "files")) : List.of();
      if (files.isEmpty()) {
        cx.warn(
            e.getValue(),
            join(path, "files"),
            "report group has no `files`; it will find no reports");
      }
      ReportFormat format = ReportFormat.JUNITXML;
      if (m.containsKey("file-format")) {
        String text = cx.requiredScalar(m.get("file-format"), join(path, "file-format"));
        format =
            ReportFormat.parse(text)
                .orElseThrow(() ->
                    cx.error(
                        m.get("file-format"),
                        join(path, "file-format"),
                        "Invalid report file format: "
                            + text
                            + ". Expecting: "
                            + Arrays.stream(ReportFormat.values())
                                .map(Enum::name)
                                .collect(Collectors.joining(", "))));
      }
      out.put(
          e.getKey(),
          new ReportGroupSpec(
              e.getKey(),
              files,
              m.containsKey("base-directory")
                  ? cx.scalar(m.get("base-directory"), join(path, "base-directory"))
                  : null,
              m.containsKey("discard-paths")
                  && cx.bool(m.get("discard-paths"), join(path, "discard-paths"), false),
              format,
              line(e.getValue())));
    }
    return out;
  }

  static @Nullable ArtifactsSpec artifacts(ParseContext cx, @Nullable Node node, Version version) {
    if (node == null || ParseContext.isNull(node)) {
      return null;
    }
    return artifact(cx, node, "artifacts", version, true);
  }

  private static ArtifactsSpec artifact(
      ParseContext cx, Node node, String path, Version version, boolean primary) {
    Set<String> known = ARTIFACT_KEYS;
    if (version == Version.V0_1) {
      // artifacts.type was 0.1's; 0.2 lists it as a key it cannot identify
      known = new java.util.HashSet<>(ARTIFACT_KEYS);
      known.add("type");
    }
    Map<String, Node> m = cx.mapping(node, path, path, known);
    List<String> files =
        m.containsKey("files") ? cx.stringList(m.get("files"), join(path, "files")) : List.of();
    if (files.isEmpty()) {
      cx.warn(
          node,
          join(path, "files"),
          "`files` is required in artifacts; with none, UPLOAD_ARTIFACTS finds nothing to upload");
    }
    Map<String, ArtifactsSpec> secondary = new LinkedHashMap<>();
    if (primary && m.containsKey("secondary-artifacts")) {
      String sp = join(path, "secondary-artifacts");
      for (var e : cx.namedMapping(m.get("secondary-artifacts"), sp).entrySet()) {
        if (!e.getKey().matches("[A-Za-z0-9_]{1,127}")) {
          throw cx.errorAtKey(
              m.get("secondary-artifacts"),
              e.getKey(),
              join(sp, e.getKey()),
              "Invalid artifact identifier: "
                  + e.getKey()
                  + ". Identifiers are letters, digits and _ (under 128 characters)");
        }
        secondary.put(e.getKey(), artifact(cx, e.getValue(), join(sp, e.getKey()), version, false));
      }
    }
    return new ArtifactsSpec(
        files,
        optional(cx, m, path, "name"),
        optional(cx, m, path, "base-directory"),
        m.containsKey("discard-paths")
            && cx.bool(m.get("discard-paths"), join(path, "discard-paths"), false),
        m.containsKey("exclude-paths")
            ? cx.stringList(m.get("exclude-paths"), join(path, "exclude-paths"))
            : List.of(),
        m.containsKey("enable-symlinks")
            && cx.bool(m.get("enable-symlinks"), join(path, "enable-symlinks"), false),
        optional(cx, m, path, "s3-prefix"),
        secondary);
  }

  static @Nullable CacheSpec cache(ParseContext cx, @Nullable Node node) {
    if (node == null || ParseContext.isNull(node)) {
      return null;
    }
    Map<String, Node> m = cx.mapping(node, "cache", "cache", CACHE_KEYS);
    List<String> paths =
        m.containsKey("paths") ? cx.stringList(m.get("paths"), "cache.paths") : List.of();
    String key = optional(cx, m, "cache", "key");
    List<String> fallback =
        m.containsKey("fallback-keys")
            ? cx.stringList(m.get("fallback-keys"), "cache.fallback-keys")
            : List.of();
    if (fallback.size() > MAX_FALLBACK_KEYS) {
      throw cx.error(
          m.get("fallback-keys"),
          "cache.fallback-keys",
          "cache fallback-keys accepts at most "
              + MAX_FALLBACK_KEYS
              + " keys: found "
              + fallback.size());
    }
    if (!fallback.isEmpty() && key == null) {
      cx.warn(
          m.get("fallback-keys"),
          "cache.fallback-keys",
          "fallback-keys are ignored without a cache key");
    }
    CacheSpec.Action action = null;
    String actionText = optional(cx, m, "cache", "action");
    if (actionText != null) {
      action =
          switch (actionText.trim().toLowerCase(Locale.ROOT)) {
            case "restore" -> CacheSpec.Action.RESTORE;
            case "save" -> CacheSpec.Action.SAVE;
            default ->
                throw cx.error(
                    m.get("action"),
                    "cache.action",
                    "Invalid cache action: " + actionText + ". Expecting: restore, save");
          };
    }
    return new CacheSpec(paths, key, fallback, action);
  }

  private static @Nullable String optional(
      ParseContext cx, Map<String, Node> m, String path, String key) {
    return m.containsKey(key) ? cx.scalar(m.get(key), join(path, key)) : null;
  }
}
