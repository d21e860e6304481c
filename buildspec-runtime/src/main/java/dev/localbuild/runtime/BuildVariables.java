package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The environment variables a build's commands start with, assembled as CodeBuild does.
 *
 * <p>Lowest to highest: the image's own variables (already in the sandbox), the variables CodeBuild
 * sets, the buildspec's {@code env} (plain, parameter-store and secrets-manager alike), the
 * project's variables, then the overrides of the command line and env file (StartBuild's {@code
 * environmentVariablesOverride}). {@code CODEBUILD_*} names are CodeBuild's own: the buildspec and
 * the project cannot change them, only an override can (which is how a cloud build's webhook
 * variables are reproduced locally).
 */
public final class BuildVariables {
  private BuildVariables() {}

  /**
   * Everything that goes into the variables.
   *
   * @param build who the build is
   * @param image the build image
   * @param primary the primary source
   * @param secondary the secondary sources
   * @param buildspec the parsed buildspec
   * @param buildspecSecrets the buildspec's parameter-store and secrets-manager values, resolved
   * @param project the project's variables, secret ones already resolved
   * @param overrides the command line's and env file's variables
   * @param home HOME for root
   * @param batchIdentifier the build's identifier inside a batch, or null
   */
  public record Inputs(
      BuildIdentity build,
      String image,
      SourceInfo primary,
      List<SourceInfo> secondary,
      Buildspec buildspec,
      Map<String, String> buildspecSecrets,
      Map<String, String> project,
      Map<String, String> overrides,
      String home,
      @Nullable String batchIdentifier) {}

  /** The variables and which of them hold secrets (their values are masked in the log). */
  public record Result(
      Map<String, String> variables, Set<String> secretNames, List<String> ignored) {}

  /** Assembles the variables for a build running in {@code sandbox}. */
  public static Result assemble(Inputs in, Sandbox sandbox) {
    Map<String, String> codebuild = codebuildVariables(in, sandbox);
    Map<String, String> v = new LinkedHashMap<>();
    v.put("AWS_DEFAULT_REGION", in.build().region());
    v.put("AWS_REGION", in.build().region());
    v.put("HOME", in.home());
    v.putAll(sandbox.variables());
    List<String> ignored = new java.util.ArrayList<>();
    putUnreserved(v, in.buildspec().env().variables(), ignored);
    putUnreserved(v, in.buildspecSecrets(), ignored);
    putUnreserved(v, in.project(), ignored);
    v.putAll(codebuild);
    v.putAll(in.overrides());
    Set<String> secrets = new TreeSet<>(in.buildspecSecrets().keySet());
    return new Result(v, secrets, ignored);
  }

  private static void putUnreserved(
      Map<String, String> into, Map<String, String> from, List<String> ignored) {
    from.forEach((k, val) -> {
      if (k.startsWith("CODEBUILD_")) {
        ignored.add(k);
      } else {
        into.put(k, val);
      }
    });
  }

  /** The {@code CODEBUILD_*} variables, in CodeBuild's formats. */
  static Map<String, String> codebuildVariables(Inputs in, Sandbox sandbox) {
    BuildIdentity b = in.build();
    Map<String, String> v = new LinkedHashMap<>();
    v.put("CODEBUILD_BUILD_ARN", b.buildArn());
    v.put("CODEBUILD_BUILD_ID", b.buildId());
    v.put("CODEBUILD_BUILD_IMAGE", in.image());
    v.put("CODEBUILD_BUILD_NUMBER", Long.toString(b.buildNumber()));
    v.put("CODEBUILD_BUILD_SUCCEEDING", "1");
    v.put("CODEBUILD_INITIATOR", b.initiator());
    v.put(
        "CODEBUILD_KMS_KEY_ID",
        "arn:aws:kms:" + b.region() + ":" + b.accountId() + ":alias/aws/s3");
    v.put("CODEBUILD_LOG_PATH", b.uuid().toString());
    v.put("CODEBUILD_PROJECT_ARN", b.projectArn());
    v.put("CODEBUILD_SRC_DIR", sandbox.sourceDir());
    v.put("CODEBUILD_START_TIME", Long.toString(b.startTime().toEpochMilli()));
    if (in.batchIdentifier() != null) {
      v.put("CODEBUILD_BATCH_BUILD_IDENTIFIER", in.batchIdentifier());
    }
    putSource(v, "", in.primary());
    for (SourceInfo s : in.secondary()) {
      String id = s.identifier();
      String dir = sandbox.secondarySourceDirs().get(id);
      if (dir != null) {
        v.put("CODEBUILD_SRC_DIR_" + id, dir);
      }
      putSource(v, "_" + id, s);
    }
    return v;
  }

  private static void putSource(Map<String, String> v, String suffix, SourceInfo s) {
    if (s.repoUrl() != null) {
      v.put("CODEBUILD_SOURCE_REPO_URL" + suffix, s.repoUrl());
    }
    String version = s.sourceVersion() != null ? s.sourceVersion() : s.resolvedVersion();
    if (version != null) {
      v.put("CODEBUILD_SOURCE_VERSION" + suffix, version);
    }
    // Only the primary source has a resolved version variable in CodeBuild.
    if (suffix.isEmpty() && s.resolvedVersion() != null) {
      v.put("CODEBUILD_RESOLVED_SOURCE_VERSION", s.resolvedVersion());
    }
  }
}
