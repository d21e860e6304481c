package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.parse.BuildspecException;
import dev.localbuild.runtime.log.Redactor;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * DOWNLOAD_SOURCE after the source is in place: reports the buildspec, resolves secrets, writes the
 * shell's starting environment, installs the selected runtimes and restores the cache, with
 * CodeBuild's log lines.
 */
final class DownloadSourcePhase {
  private final BuildServices services;
  private final BuildRequest request;
  private final BuildIdentity id;
  private final @Nullable Sandbox sandbox;
  private final Redactor redactor;
  private final Consumer<String> agent;
  private final BuildRecordState state;

  DownloadSourcePhase(
      BuildServices services,
      BuildRequest request,
      BuildIdentity id,
      @Nullable Sandbox sandbox,
      Redactor redactor,
      Consumer<String> agent,
      BuildRecordState state) {
    this.services = services;
    this.request = request;
    this.id = id;
    this.sandbox = sandbox;
    this.redactor = redactor;
    this.agent = agent;
    this.state = state;
  }

  PhaseOutcome run(@Nullable Buildspec buildspec, @Nullable BuildspecException invalid)
      throws Exception {
    if (sandbox != null) {
      agent.accept("CODEBUILD_SRC_DIR=" + sandbox.sourceDir());
      agent.accept("YAML location is " + sandbox.buildspecLocation());
    } else {
      agent.accept(
          "YAML location is "
              + (invalid != null ? invalid.location() : request.buildspec().describe()));
    }
    if (invalid != null) {
      return new PhaseOutcome.Failed(
          new PhaseContext(PhaseContext.YAML_FILE_ERROR, invalid.contextMessage()));
    }
    if (!buildspec.unknownKeys().isEmpty()) {
      agent.accept(unknownKeysWarning(buildspec.unknownKeys()));
    }
    agent.accept("Processing environment variables");
    Map<String, String> secrets;
    try {
      secrets = resolveSecrets(buildspec);
    } catch (SecretResolver.SecretResolutionException e) {
      return new PhaseOutcome.Failed(
          new PhaseContext(PhaseContext.DECRYPTED_VARIABLES_ERROR, e.getMessage()));
    }
    BuildVariables.Result vars =
        BuildVariables.assemble(
            new BuildVariables.Inputs(
                id,
                services.provisioner().image(),
                request.primarySource(),
                request.secondarySources(),
                buildspec,
                secrets,
                request.projectVariables(),
                request.overrides(),
                sandbox.variables().getOrDefault("HOME", "/root"),
                request.batchIdentifier()),
            sandbox);
    redactor.addSecrets(secrets.values());
    redactor.addSecrets(accessKeys(vars.variables()));
    redactor.addSecrets(services.secrets().credentialValues());
    String initial = CommandScripts.initialState(vars.variables(), sandbox.sourceDir());
    sandbox.shell().writeFile(CommandScripts.INITIAL_STATE, initial);
    sandbox.shell().writeFile(CommandScripts.STATE, initial);
    if (buildspec.env().shell() != null) {
      state.shellProgram(shellProgram(buildspec.env().shell()));
    }
    PhaseOutcome runtimes = new RuntimeInstaller(sandbox, state, agent).install(buildspec);
    if (!(runtimes instanceof PhaseOutcome.Succeeded)) {
      return runtimes;
    }
    agent.accept("Moving to directory " + sandbox.sourceDir());
    restoreCache(buildspec);
    try {
      services.hooks().beforeInstall(sandbox, vars.variables(), agent);
    } catch (BuildHooks.HookException e) {
      return new PhaseOutcome.Failed(e.context());
    }
    agent.accept("Phases found in YAML: " + buildspec.phases().size());
    for (Phase p : buildspec.phases().values()) {
      agent.accept(" " + p.name() + ": " + p.commands().size() + " commands");
    }
    return PhaseOutcome.SUCCEEDED;
  }

  /** The secret values of the buildspec and the project, resolved together. */
  private Map<String, String> resolveSecrets(Buildspec buildspec)
      throws SecretResolver.SecretResolutionException {
    Map<String, String> parameters = new LinkedHashMap<>(buildspec.env().parameterStore());
    parameters.putAll(request.projectParameters());
    var secretRefs = new LinkedHashMap<>(buildspec.env().secretsManager());
    request
        .projectSecrets()
        .forEach((k, v) -> secretRefs.put(k, dev.localbuild.buildspec.SecretRef.parse(v)));
    if (!parameters.isEmpty() || !secretRefs.isEmpty()) {
      agent.accept("Decrypting parameter store environment variables");
    }
    return services.secrets().resolve(parameters, secretRefs);
  }

  /** AWS access key ids and secret keys given as variables are masked like secrets. */
  private static List<String> accessKeys(Map<String, String> variables) {
    List<String> out = new ArrayList<>();
    for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
      if (variables.containsKey(name)) {
        out.add(variables.get(name));
      }
    }
    return out;
  }

  /** {@code env.shell} as a program: {@code bash}, {@code /bin/sh}... */
  static String shellProgram(String shell) {
    return shell.trim().isEmpty() ? "sh" : shell.trim();
  }

  /** CodeBuild's warning for unknown keys, one block for all sections. */
  static String unknownKeysWarning(Map<String, List<String>> unknown) {
    StringBuilder b = new StringBuilder("Found possible syntax errors in buildspec: ");
    unknown.forEach((section, keys) -> {
      b.append("\nIn the section ")
          .append(section)
          .append("\n    The following keys cannot be identified:");
      keys.forEach(k -> b.append("\n        ").append(k));
    });
    return b.toString();
  }

  private void restoreCache(Buildspec buildspec) throws Exception {
    CacheSpec cache = buildspec.cache();
    if (cache == null) {
      agent.accept("Cache is not defined in the buildspec");
      return;
    }
    if (cache.paths().isEmpty()) {
      agent.accept("Skip cache due to: no paths specified to be cached");
      return;
    }
    if (!services.cache().enabled()) {
      agent.accept("Skip cache due to: the project's cache type is NO_CACHE");
      return;
    }
    if (!cache.restores()) {
      return;
    }
    try {
      state.cacheRestored(
          services
              .cache()
              .restore(cache, cacheKeys(sandbox, cache, state.shellProgram()), sandbox, agent));
    } catch (ShellClosedException | InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // CodeBuild's cache is best-effort: a failed restore is a cold build, not a failed one
      agent.accept("Unable to restore cache: " + e.getMessage());
      state.cacheRestored(false);
    }
  }

  /**
   * The cache key and fallback keys, evaluated with shell syntax in the build; empty without a key.
   */
  static List<String> cacheKeys(Sandbox sandbox, CacheSpec cache, String shell) throws Exception {
    if (cache.key() == null) {
      return List.of();
    }
    List<String> expressions = new ArrayList<>();
    expressions.add(cache.key());
    expressions.addAll(cache.fallbackKeys());
    return expand(sandbox, shell, expressions);
  }

  /** Evaluates expressions with the build's shell, in its current state. */
  static List<String> expand(Sandbox sandbox, String shell, List<String> expressions)
      throws Exception {
    String out =
        sandbox
            .shell()
            .capture(
                shell,
                CommandScripts.expand(sandbox.shellDir(), expressions.toArray(String[]::new)));
    List<String> values = new ArrayList<>();
    for (String v : out.split("\0", -1)) {
      values.add(v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
    }
    return values.subList(0, expressions.size());
  }
}
