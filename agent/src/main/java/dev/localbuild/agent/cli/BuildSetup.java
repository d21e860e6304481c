package dev.localbuild.agent.cli;

import dev.localbuild.agent.project.ComputeType;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.source.EnvFile;
import dev.localbuild.agent.source.GitInfo;
import dev.localbuild.agent.source.GitSources;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns the command line into a build request: sources, buildspec, variables and their precedence,
 * timeout, identity defaults. Every mistake is a {@link SetupException} whose message says what and
 * where.
 */
record BuildSetup(
    BuildRequest request,
    Path source,
    Map<String, Path> secondary,
    String region,
    String initiator,
    String image,
    ProjectConfig.Cache cache,
    ProjectConfig.Extensions extensions,
    List<String> notes,
    @Nullable ProjectConfig project) {

  static final String DEFAULT_IMAGE = "localbuild/standard:latest";
  // the local AWS's account: builds without -c run there
  static final String DEFAULT_ACCOUNT = dev.localbuild.agent.localaws.LocalAwsProcess.ACCOUNT;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,127}");
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(s|m|h)?", Pattern.CASE_INSENSITIVE);
  private static final Map<String, String> MODES =
      Map.of(
          "docker",
          "LOCAL_DOCKER_LAYER_CACHE",
          "source",
          "LOCAL_SOURCE_CACHE",
          "custom",
          "LOCAL_CUSTOM_CACHE");

  /** A command line that cannot make a build. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  static BuildSetup from(RunOptions o, Map<String, String> env) throws SetupException {
    return from(o, env, dev.localbuild.agent.record.StateDir.resolve());
  }

  static BuildSetup from(RunOptions o, Map<String, String> env, Path state) throws SetupException {
    ProjectConfig project = null;
    if (o.project != null) {
      try {
        project = ProjectFile.read(o.project, o.projectName);
      } catch (ProjectFile.ProjectFileException e) {
        throw new SetupException("--project " + e.getMessage());
      }
    }
    List<String> notes = new ArrayList<>();
    try {
      GitSources.checkVersion(o.sourceVersion);
      if (project != null) {
        GitSources.checkVersion(project.sourceVersion());
        for (String v : project.secondarySourceVersions().values()) {
          GitSources.checkVersion(v);
        }
      }
    } catch (GitSources.GitException e) {
      throw new SetupException(
          (o.sourceVersion != null ? "--source-version: " : "--project: ") + e.getMessage());
    }
    ProjectConfig.Cache cache = cache(o, project);
    String projectName =
        o.projectName != null
            ? checkProjectName(o.projectName)
            : project != null ? project.name() : null;
    Sources sources = Sources.resolve(o, project, cache, projectName, state, notes);
    if (projectName == null) {
      projectName = projectName(sources.primary());
    }
    // read once, here: the batch note, the AWS guess and the build all see this text
    BuildspecSource buildspec = buildspec(o, project, sources.primary()).read();
    batchNote(buildspec).ifPresent(notes::add);
    String sourceVersion =
        o.sourceVersion != null
            ? o.sourceVersion
            : project != null ? project.sourceVersion() : null;
    Optional<GitInfo> git = GitInfo.read(sources.primary());
    String type =
        project != null && project.source() != null
            ? project.source().type()
            : git.isPresent() ? "LOCAL_GIT" : "LOCAL";
    String repoUrl =
        project != null && project.source() != null && project.source().isGit()
            ? project.source().location()
            : git.map(GitInfo::originUrl).orElse(null);
    SourceInfo primary =
        new SourceInfo(
            null,
            type,
            project != null && project.source() != null && project.source().location() != null
                ? project.source().location()
                : sources.primary().toString(),
            sourceVersion,
            git.map(GitInfo::commit).orElse(null),
            repoUrl);
    List<SourceInfo> secondaryInfo = new ArrayList<>();
    for (var e : sources.secondary().entrySet()) {
      Optional<GitInfo> g = GitInfo.read(e.getValue());
      String version = project == null ? null : project.secondarySourceVersions().get(e.getKey());
      secondaryInfo.add(
          new SourceInfo(
              e.getKey(),
              g.isPresent() ? "LOCAL_GIT" : "LOCAL",
              e.getValue().toString(),
              version,
              g.map(GitInfo::commit).orElse(null),
              g.map(GitInfo::originUrl).orElse(null)));
    }
    String region =
        firstNonBlank(
            o.region,
            env.get("AWS_REGION"),
            env.get("AWS_DEFAULT_REGION"),
            o.awsConfig ? profileRegion(o.profile, env) : null,
            "us-east-1");
    DeployStep.check(o);
    if (!o.awsEndpoints.isEmpty() && !o.awsConfig) {
      throw new SetupException(
          "--aws-endpoint goes with -c (without -c, builds use the local AWS and its endpoint)");
    }
    for (String e : o.awsEndpoints) {
      String url = e.matches("[a-z0-9-]+=.*") ? e.substring(e.indexOf('=') + 1) : e;
      if (!url.matches("https?://[^/\\s]+.*")) {
        throw new SetupException(
            "--aws-endpoint " + e + ": expected URL or SERVICE=URL, e.g. s3=http://localhost:4566");
      }
    }
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> parameters = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    if (project != null) {
      for (ProjectConfig.Variable v : project.environment().environmentVariables()) {
        switch (v.type()) {
          case "PARAMETER_STORE" -> parameters.put(v.name(), v.value());
          case "SECRETS_MANAGER" -> secrets.put(v.name(), v.value());
          default -> plain.put(v.name(), v.value());
        }
      }
    }
    Duration timeout =
        o.timeout != null || project == null || project.timeoutInMinutes() == null
            ? timeout(o.timeout)
            : Duration.ofMinutes(project.timeoutInMinutes());
    boolean privileged =
        !o.untrusted
            && (o.privileged || (project != null && project.environment().privilegedMode()));
    if (o.untrusted) {
      untrusted(o);
      notes.add(
          "untrusted build: no AWS credentials or secrets, no privileged mode"
              + (o.privileged || (project != null && project.environment().privilegedMode())
                  ? " (asked for, refused)"
                  : "")
              + ", caches restored but not saved");
    }
    String computeType =
        project != null ? project.environment().computeType() : "BUILD_GENERAL1_SMALL";
    BuildRequest request =
        new BuildRequest(
            projectName,
            buildspec,
            primary,
            secondaryInfo,
            plain,
            parameters,
            secrets,
            overrides(o, env),
            timeout,
            privileged,
            computeType,
            null);
    String image =
        o.image != null
            ? o.image
            : project != null && project.environment().image() != null
                ? project.environment().image()
                : DEFAULT_IMAGE;
    ProjectConfig.Extensions ext =
        project != null ? project.localbuild() : ProjectConfig.Extensions.NONE;
    List<String> cacheFrom = new ArrayList<>(ext.cacheFrom());
    cacheFrom.addAll(o.cacheFrom);
    ext =
        new ProjectConfig.Extensions(
            cacheFrom,
            o.registryMirror != null ? o.registryMirror : ext.registryMirror(),
            ext.registryCredentials(),
            ext.dockerLayerCacheLimitBytes());
    String user = firstNonBlank(env.get("USER"), System.getProperty("user.name"), "localbuild");
    return new BuildSetup(
        request,
        sources.primary(),
        sources.secondary(),
        region,
        user,
        image,
        cache,
        ext,
        notes,
        project);
  }

  /**
   * A buildspec with a {@code batch} section runs here as StartBuild runs it in CodeBuild: as one
   * build, the section ignored. Said, so nobody waits for the batch's builds.
   */
  static Optional<String> batchNote(BuildspecSource buildspec) {
    try {
      var batch = buildspec.parse().batch();
      return batch == null
          ? Optional.empty()
          : Optional.of(
              "the buildspec has a batch section: `localbuild run` runs it as one build, as"
                  + " StartBuild does (batch builds, StartBuildBatch, are not run yet)");
    } catch (RuntimeException invalid) {
      return Optional.empty(); // DOWNLOAD_SOURCE reports it, as part of the build
    }
  }

  /** What an untrusted build may not be given: each is a usage error, not a silent drop. */
  static void untrusted(RunOptions o) throws SetupException {
    if ("host".equals(o.executor)) {
      throw new SetupException(
          "--untrusted needs --executor docker: the host executor runs commands on this machine");
    }
    if (o.deploy != null || !o.ecrRepositories.isEmpty() || o.awsConfig || o.localAws) {
      throw new SetupException(
          "--untrusted builds get no AWS: drop --deploy, --ecr-repository, -c and --local-aws");
    }
  }

  /** The region of the AWS profile in use (AWS_PROFILE, or -p), from the AWS config file. */
  static @Nullable String profileRegion(@Nullable String profile, Map<String, String> env) {
    String name = firstNonBlank(profile, env.get("AWS_PROFILE"), "default");
    try {
      return software.amazon.awssdk.profiles.ProfileFile.defaultProfileFile()
          .profile(name)
          .flatMap(p -> p.property("region"))
          .orElse(null);
    } catch (RuntimeException unreadable) {
      return null; // no config file, or one the SDK cannot read: the other sources decide
    }
  }

  /**
   * The cache: --no-cache, else --local-cache modes, else the project's, else the buildspec's on
   * this machine.
   */
  static ProjectConfig.Cache cache(RunOptions o, ProjectConfig project) throws SetupException {
    if (o.noCache) {
      return ProjectConfig.Cache.NONE;
    }
    if (!o.localCache.isEmpty()) {
      List<String> modes = new ArrayList<>();
      for (String m : o.localCache) {
        String mode = MODES.getOrDefault(m.toLowerCase(Locale.ROOT), m.toUpperCase(Locale.ROOT));
        if (!MODES.containsValue(mode)) {
          throw new SetupException("--local-cache " + m + ": expected docker, source or custom");
        }
        modes.add(mode);
      }
      return new ProjectConfig.Cache("LOCAL", null, modes, null);
    }
    if (project != null) {
      return project.cache();
    }
    return new ProjectConfig.Cache("S3", null, List.of(), null);
  }

  /** A compute type's limits; the project file has already refused one CodeBuild lacks. */
  static ComputeType computeType(String name) {
    return ComputeType.of(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown compute type " + name));
  }

  static Path directory(String text, String flag) throws SetupException {
    Path p = Path.of(text).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new SetupException(flag + ": no such directory: " + p);
    }
    return p;
  }

  /**
   * The buildspec: -b, else the project's (a path in the source, or inline YAML), else
   * buildspec.yml in the source. Its absence is CodeBuild's YAML_FILE_ERROR.
   */
  static BuildspecSource buildspec(RunOptions o, ProjectConfig project, Path source) {
    if (o.buildspec == null
        && project != null
        && project.source() != null
        && project.source().buildspec() != null) {
      String b = project.source().buildspec();
      if (b.contains("\n") || b.trim().startsWith("version")) {
        return BuildspecSource.inline(b);
      }
      return buildspec(source.resolve(b), source);
    }
    return buildspec(o.buildspec, source);
  }

  /** The buildspec: the given file, else buildspec.yml in the source. */
  static BuildspecSource buildspec(Path option, Path source) {
    Path file =
        option != null ? option.toAbsolutePath().normalize() : source.resolve("buildspec.yml");
    String inSource =
        file.startsWith(source) ? source.relativize(file).toString().replace('\\', '/') : null;
    return BuildspecSource.file(file, inSource);
  }

  /** Command-line variables: -c's AWS settings, then the env file, then --env (later wins). */
  static Map<String, String> overrides(RunOptions o, Map<String, String> env)
      throws SetupException {
    Map<String, String> out = new LinkedHashMap<>();
    if (o.awsConfig) {
      // only the region: credentials reach the build through its credentials endpoint, never as
      // keys in its environment, and a profile would only send the build's CLI looking for a
      // config file it does not have
      for (String k : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
        if (env.get(k) != null) {
          out.put(k, env.get(k));
        }
      }
    } else if (o.profile != null) {
      throw new SetupException("-p " + o.profile + " needs -c (use your AWS configuration)");
    }
    if (o.envFile != null) {
      try {
        out.putAll(EnvFile.read(o.envFile));
      } catch (IOException e) {
        throw new SetupException(
            "-e " + o.envFile + ": cannot read the env file: " + e.getMessage());
      } catch (EnvFile.EnvFileException e) {
        throw new SetupException(e.getMessage());
      }
    }
    for (String kv : o.env) {
      int eq = kv.indexOf('=');
      if (eq <= 0 || !kv.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new SetupException("--env " + kv + ": expected NAME=VALUE");
      }
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  /** Minutes by default, as CodeBuild's timeoutInMinutes; or 90s, 45m, 2h. */
  static Duration timeout(String text) throws SetupException {
    return duration("--timeout", text);
  }

  /** A duration flag: minutes by default (60 when absent), or 90s, 45m, 2h. */
  static Duration duration(String flag, @Nullable String text) throws SetupException {
    if (text == null) {
      return BuildRequest.DEFAULT_TIMEOUT;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new SetupException(
          flag + " " + text + ": expected a number of minutes, or a duration such as 90s, 45m, 2h");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "m" : m.group(2).toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /** A CodeBuild project name from a directory name: letters, digits, - and _, 2 to 255 long. */
  static String projectName(Path source) {
    String base = source.getFileName() == null ? "build" : source.getFileName().toString();
    String name = base.replaceAll("[^A-Za-z0-9_-]", "-").replaceAll("^[-_]+", "");
    if (name.length() < 2) {
      name = "build-" + name;
    }
    return name.length() > 255 ? name.substring(0, 255) : name;
  }

  static String checkProjectName(String name) throws SetupException {
    if (!ProjectFile.validName(name)) {
      throw new SetupException(
          "--project-name "
              + name
              + ": a project name is 2 to 255 letters, digits, - and _,"
              + " starting with a letter or digit");
    }
    return name;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }
}
