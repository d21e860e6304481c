package dev.localbuild.agent.cli;

import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.build.LauncherConfig;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.source.EnvFile;
import dev.localbuild.runtime.BuildRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The command line as a build order and a launcher's settings: flag syntax, flag combinations, and
 * the order's errors worded with the flag that caused them. Every mistake is a {@link
 * SetupException} whose message says what and where.
 */
record CommandLineOrder(LauncherConfig launcher, BuildOrder order) {
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

  /** Checks {@code --aws-endpoint}s: {@code URL} or {@code SERVICE=URL}, and only with -c. */
  static void awsEndpoints(List<String> endpoints, boolean awsConfig) throws SetupException {
    if (!endpoints.isEmpty() && !awsConfig) {
      throw new SetupException(
          "--aws-endpoint goes with -c (without -c, builds use the local AWS and its endpoint)");
    }
    for (String e : endpoints) {
      String url = e.matches("[a-z0-9-]+=.*") ? e.substring(e.indexOf('=') + 1) : e;
      if (!url.matches("https?://[^/\\s]+.*")) {
        throw new SetupException(
            "--aws-endpoint " + e + ": expected URL or SERVICE=URL, e.g. s3=http://localhost:4566");
      }
    }
  }

  /** A command line that cannot make a build. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  static CommandLineOrder from(RunOptions o, Map<String, String> env) throws SetupException {
    return from(o, env, dev.localbuild.agent.record.StateDir.resolve());
  }

  static CommandLineOrder from(RunOptions o, Map<String, String> env, Path state)
      throws SetupException {
    ProjectConfig project = null;
    if (o.project != null) {
      try {
        project = ProjectFile.read(o.project, o.projectName);
      } catch (ProjectFile.ProjectFileException e) {
        throw new SetupException("--project " + e.getMessage());
      }
    }
    LauncherConfig.Executor executor =
        switch (o.executor) {
          case "docker" -> LauncherConfig.Executor.DOCKER;
          case "host" -> LauncherConfig.Executor.HOST;
          default ->
              throw new SetupException("--executor " + o.executor + ": expected docker or host");
        };
    if (o.untrusted) {
      untrusted(o);
    }
    DeployStep.check(o);
    if (!List.of("build", "batch-get-builds").contains(o.jsonShape)) {
      throw new SetupException(
          "--json-shape " + o.jsonShape + ": expected build or batch-get-builds");
    }
    awsEndpoints(o.aws.awsEndpoints, o.aws.awsConfig);
    // -s: a primary directory and identified secondaries; without one, the project's source, else
    // the current directory
    Path primary = null;
    Map<String, Path> secondary = new LinkedHashMap<>();
    for (String s : o.sources) {
      int colon = s.indexOf(':');
      if (colon > 0
          && ID.matcher(s.substring(0, colon)).matches()
          && !Path.of(s).toFile().exists()) {
        secondary.put(s.substring(0, colon), directory(s.substring(colon + 1), "-s " + s));
      } else if (primary == null) {
        primary = directory(s, "-s " + s);
      } else {
        throw new SetupException(
            "-s "
                + s
                + ": secondary sources need an identifier: -s ID:DIR (ID: letters, digits, _)");
      }
    }
    if (primary == null && (project == null || project.source() == null)) {
      primary = Path.of(".").toAbsolutePath().normalize();
    }
    List<ProjectConfig.Variable> variables = new ArrayList<>();
    overrides(o, env)
        .forEach((k, v) -> variables.add(new ProjectConfig.Variable(k, v, "PLAINTEXT")));
    String region =
        firstNonBlank(
            o.region,
            env.get("AWS_REGION"),
            env.get("AWS_DEFAULT_REGION"),
            o.aws.awsConfig ? profileRegion(o.aws.profile, env) : null,
            "us-east-1");
    BuildOrder order =
        new BuildOrder(
            project,
            o.projectName,
            primary,
            secondary,
            o.sourceVersion,
            o.buildspec == null ? null : o.buildspec.toAbsolutePath().normalize().toString(),
            variables,
            o.image,
            o.privileged ? Boolean.TRUE : null,
            o.timeout == null ? null : timeout(o.timeout),
            cache(o),
            o.artifacts,
            o.reports,
            region,
            firstNonBlank(env.get("USER"), System.getProperty("user.name"), "localbuild"),
            new BuildOrder.Host(
                o.cacheFrom,
                o.registryMirror,
                o.untrusted,
                o.imageFallback,
                o.includeUntracked,
                new dev.localbuild.agent.debug.DebugHooks.Debug(o.debug, o.debugOnFailure),
                null,
                null,
                null));
    LauncherConfig launcher =
        new LauncherConfig(
            state,
            executor,
            o.mountSource,
            o.keep,
            o.network,
            new LauncherConfig.Aws(
                o.aws.awsConfig,
                o.aws.profile,
                o.aws.awsEndpoints,
                o.localAws || o.deploy != null,
                o.ecrRepositories));
    return new CommandLineOrder(launcher, order);
  }

  /** An order's error, worded with the flag that caused it. */
  static SetupException worded(OrderException e) {
    String flag =
        switch (e.field()) {
          case "sourceVersion" -> "--source-version: ";
          case "projectName" -> "--project-name ";
          case "project" -> "--project: ";
          case "sourceDirectory" -> "-s: ";
          case "yourAccount" -> "-c: ";
          default -> "";
        };
    return new SetupException(flag + e.getMessage());
  }

  /** What an untrusted build may not be given: each is a usage error, not a silent drop. */
  static void untrusted(RunOptions o) throws SetupException {
    if ("host".equals(o.executor)) {
      throw new SetupException(
          "--untrusted needs --executor docker: the host executor runs commands on this machine");
    }
    if (o.deploy != null || !o.ecrRepositories.isEmpty() || o.aws.awsConfig || o.localAws) {
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
   * The cache flags: --no-cache, else --local-cache modes; null leaves it to the project (else the
   * buildspec's, kept on this machine).
   */
  static ProjectConfig.@Nullable Cache cache(RunOptions o) throws SetupException {
    if (o.noCache) {
      return ProjectConfig.Cache.NONE;
    }
    if (o.localCache.isEmpty()) {
      return null;
    }
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

  static Path directory(String text, String flag) throws SetupException {
    Path p = Path.of(text).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new SetupException(flag + ": no such directory: " + p);
    }
    return p;
  }

  /** Command-line variables: -c's AWS settings, then the env file, then --env (later wins). */
  static Map<String, String> overrides(RunOptions o, Map<String, String> env)
      throws SetupException {
    Map<String, String> out = new LinkedHashMap<>();
    if (o.aws.awsConfig) {
      // only the region: credentials reach the build through its credentials endpoint, never as
      // keys in its environment, and a profile would only send the build's CLI looking for a
      // config file it does not have
      for (String k : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
        if (env.get(k) != null) {
          out.put(k, env.get(k));
        }
      }
    } else if (o.aws.profile != null) {
      throw new SetupException("-p " + o.aws.profile + " needs -c (use your AWS configuration)");
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

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }
}
