package dev.localbuild.agent.cli;

import dev.localbuild.agent.source.EnvFile;
import dev.localbuild.agent.source.GitInfo;
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
    String accountId,
    String initiator) {

  static final String DEFAULT_IMAGE = "localbuild/standard:latest";
  static final String DEFAULT_ACCOUNT = "000000000000";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,127}");
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(s|m|h)?", Pattern.CASE_INSENSITIVE);

  /** A command line that cannot make a build. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  static BuildSetup from(RunOptions o, Map<String, String> env) throws SetupException {
    Path source = Path.of(".").toAbsolutePath().normalize();
    Map<String, Path> secondary = new LinkedHashMap<>();
    boolean primarySeen = false;
    for (String s : o.sources) {
      int colon = s.indexOf(':');
      if (colon > 0
          && ID.matcher(s.substring(0, colon)).matches()
          && !Path.of(s).toFile().exists()) {
        secondary.put(s.substring(0, colon), directory(s.substring(colon + 1), "-s " + s));
      } else if (!primarySeen) {
        source = directory(s, "-s " + s);
        primarySeen = true;
      } else {
        throw new SetupException(
            "-s "
                + s
                + ": secondary sources need an identifier: -s ID:DIR (ID: letters, digits, _)");
      }
    }
    BuildspecSource buildspec = buildspec(o.buildspec, source);
    Optional<GitInfo> git = GitInfo.read(source);
    SourceInfo primary =
        new SourceInfo(
            null,
            git.isPresent() ? "LOCAL_GIT" : "LOCAL",
            source.toString(),
            o.sourceVersion,
            git.map(GitInfo::commit).orElse(null),
            git.map(GitInfo::originUrl).orElse(null));
    List<SourceInfo> secondaryInfo = new ArrayList<>();
    secondary.forEach((id, dir) -> {
      Optional<GitInfo> g = GitInfo.read(dir);
      secondaryInfo.add(
          new SourceInfo(
              id,
              g.isPresent() ? "LOCAL_GIT" : "LOCAL",
              dir.toString(),
              null,
              g.map(GitInfo::commit).orElse(null),
              g.map(GitInfo::originUrl).orElse(null)));
    });
    String region =
        firstNonBlank(o.region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"), "us-east-1");
    Map<String, String> overrides = overrides(o, env);
    String project = o.projectName != null ? checkProjectName(o.projectName) : projectName(source);
    BuildRequest request =
        new BuildRequest(
            project,
            buildspec,
            primary,
            secondaryInfo,
            Map.of(),
            Map.of(),
            Map.of(),
            overrides,
            timeout(o.timeout),
            o.privileged,
            "BUILD_GENERAL1_SMALL",
            null);
    String user = firstNonBlank(env.get("USER"), System.getProperty("user.name"), "localbuild");
    return new BuildSetup(request, source, secondary, region, DEFAULT_ACCOUNT, user);
  }

  private static Path directory(String text, String flag) throws SetupException {
    Path p = Path.of(text).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new SetupException(flag + ": no such directory: " + p);
    }
    return p;
  }

  /**
   * The buildspec: -b, else buildspec.yml in the source. Its absence is CodeBuild's
   * YAML_FILE_ERROR.
   */
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
      env.forEach((k, v) -> {
        if (k.startsWith("AWS_")) {
          out.put(k, v);
        }
      });
      if (o.profile != null) {
        out.put("AWS_PROFILE", o.profile);
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
    if (text == null) {
      return BuildRequest.DEFAULT_TIMEOUT;
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new SetupException(
          "--timeout "
              + text
              + ": expected a number of minutes, or a duration such as 90s, 45m, 2h");
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
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{1,254}")) {
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
