package dev.localbuild.runtime;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.PhaseName;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseOutcome;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code runtime-versions}, the way CodeBuild's curated images do it: the image's {@link
 * RuntimeManifest} says which commands select each runtime version; they run in DOWNLOAD_SOURCE, in
 * the build's shell, so what they export carries into the phases.
 */
final class RuntimeInstaller {
  private final Sandbox sandbox;
  private final BuildRecordState state;
  private final Consumer<String> agent;

  RuntimeInstaller(Sandbox sandbox, BuildRecordState state, Consumer<String> agent) {
    this.sandbox = sandbox;
    this.state = state;
    this.agent = agent;
  }

  PhaseOutcome install(Buildspec buildspec) throws Exception {
    Map<String, String> requested =
        buildspec.phase(PhaseName.INSTALL).map(Phase::runtimeVersions).orElse(Map.of());
    if (requested.isEmpty()) {
      agent.accept("No runtime version selected in buildspec.");
      return PhaseOutcome.SUCCEEDED;
    }
    Optional<byte[]> file = sandbox.workspace().read(RuntimeManifest.PATH, 1024 * 1024);
    if (file.isEmpty()) {
      agent.accept(
          "Skipping install of runtimes. Runtime version selection is not supported by this build image.");
      return PhaseOutcome.SUCCEEDED;
    }
    RuntimeManifest manifest;
    try {
      manifest = RuntimeManifest.parse(new String(file.get(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return yamlError(
          "The build image's runtimes manifest "
              + RuntimeManifest.PATH
              + " is not valid: "
              + e.getMessage());
    }
    // values may name variables ("$NODE_VERSION"): the shell expands them
    List<String> names = new ArrayList<>(requested.keySet());
    List<String> versions =
        DownloadSourcePhase.expand(
            sandbox, state.shellProgram(), new ArrayList<>(requested.values()));
    List<RuntimeManifest.Selection> selections = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String version = versions.get(i);
      if (!manifest.names().contains(name)) {
        return yamlError(
            "Unknown runtime named '"
                + name
                + "'. This build image has the following runtimes: "
                + String.join(", ", manifest.names().stream().sorted().toList()));
      }
      Optional<RuntimeManifest.Selection> s = manifest.select(name, version);
      if (s.isEmpty()) {
        return yamlError(
            "Unknown runtime version named '"
                + version
                + "' of "
                + name
                + ". This build image has the following versions: "
                + String.join(", ", manifest.versions(name)));
      }
      selections.add(s.get());
    }
    for (RuntimeManifest.Selection s : selections) {
      agent.accept(
          "Selecting '"
              + s.runtime()
              + "' runtime version '"
              + s.version()
              + "' based on manual selections...");
      for (String command : s.commands()) {
        agent.accept("Running command " + command);
        int rc =
            sandbox
                .shell()
                .run(
                    state.shellProgram(),
                    null,
                    CommandScripts.command(sandbox.shellDir(), command, true, true));
        if (rc != 0) {
          agent.accept("Command did not exit successfully " + command + " exit status " + rc);
          return new PhaseOutcome.Failed(PhaseContext.commandFailed(command, rc));
        }
      }
    }
    return PhaseOutcome.SUCCEEDED;
  }

  private static PhaseOutcome yamlError(String message) {
    return new PhaseOutcome.Failed(new PhaseContext(PhaseContext.YAML_FILE_ERROR, message));
  }
}
