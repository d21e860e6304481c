package dev.localbuild.agent.cli;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.source.GitSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where a build's sources are on this machine: the {@code -s} directories, else the project's
 * sources fetched (git, through the source cache with LOCAL_SOURCE_CACHE), else the current
 * directory.
 */
record Sources(Path primary, Map<String, Path> secondary) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,127}");

  static Sources resolve(
      RunOptions o,
      @Nullable ProjectConfig project,
      ProjectConfig.Cache cache,
      @Nullable String projectName,
      Path state,
      List<String> notes)
      throws BuildSetup.SetupException {
    Map<String, Path> secondary = new LinkedHashMap<>();
    Path primary = null;
    for (String s : o.sources) {
      int colon = s.indexOf(':');
      if (colon > 0
          && ID.matcher(s.substring(0, colon)).matches()
          && !Path.of(s).toFile().exists()) {
        secondary.put(
            s.substring(0, colon), BuildSetup.directory(s.substring(colon + 1), "-s " + s));
      } else if (primary == null) {
        primary = BuildSetup.directory(s, "-s " + s);
      } else {
        throw new BuildSetup.SetupException(
            "-s "
                + s
                + ": secondary sources need an identifier: -s ID:DIR (ID: letters, digits, _)");
      }
    }
    if (project != null) {
      boolean useCache = cache.has("LOCAL_SOURCE_CACHE");
      GitSources git = new GitSources(state.resolve("cache").resolve("source"));
      if (primary == null && project.source() != null) {
        primary =
            fetch(
                git,
                project.source(),
                // --source-version overrides the project's, as StartBuild's sourceVersion does
                o.sourceVersion != null ? o.sourceVersion : project.sourceVersion(),
                useCache ? project.name() + "/primary" : null,
                state,
                notes);
      }
      for (ProjectConfig.Source s : project.secondarySources()) {
        String id = s.sourceIdentifier();
        if (id != null && !secondary.containsKey(id)) {
          String version = project.secondarySourceVersions().get(id);
          secondary.put(
              id,
              fetch(git, s, version, useCache ? project.name() + "/" + id : null, state, notes));
        }
      }
    }
    if (primary == null) {
      primary = Path.of(".").toAbsolutePath().normalize();
    }
    return new Sources(primary, secondary);
  }

  private static Path fetch(
      GitSources git,
      ProjectConfig.Source s,
      @Nullable String version,
      @Nullable String cacheKey,
      Path state,
      List<String> notes)
      throws BuildSetup.SetupException {
    Path scratch = state.resolve("work").resolve("sources").resolve(UUID.randomUUID().toString());
    if ("NO_SOURCE".equals(s.type())) {
      try {
        return Files.createDirectories(scratch);
      } catch (IOException e) {
        throw new BuildSetup.SetupException("cannot create " + scratch + ": " + e.getMessage());
      }
    }
    if (!s.isGit()) {
      throw new BuildSetup.SetupException(
          "--project: source type "
              + s.type()
              + " cannot be fetched here;"
              + " give the source directory with -s");
    }
    if (s.location() == null) {
      throw new BuildSetup.SetupException(
          "--project: source.location: a " + s.type() + " source needs a location");
    }
    if (version != null && version.matches("pr/\\d+") && s.type().startsWith("GITHUB")) {
      version = "refs/pull/" + version.substring(3) + "/head"; // CodeBuild's pr/N for GitHub
    }
    try {
      GitSources.Fetched f = git.fetch(s.location(), version, s.gitCloneDepth(), cacheKey, scratch);
      notes.add(
          "source "
              + s.location()
              + (version == null ? "" : " " + version)
              + (f.fromCache()
                  ? ": fetched incrementally into the source cache"
                  : cacheKey != null ? ": cloned into the source cache" : ": cloned"));
      return f.dir();
    } catch (GitSources.GitException e) {
      throw new BuildSetup.SetupException(
          "--project: source " + s.location() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildSetup.SetupException("interrupted while fetching " + s.location());
    }
  }
}
