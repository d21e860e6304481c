package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.localbuild.agent.debug.DebugHooks;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.DockerProvisioner;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.StateDir;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code localbuild attach}: a shell in a build that {@code --debug} paused. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    header = "Open a shell in a build paused by --debug or --debug-on-failure.",
    usageHelpWidth = 100,
    description = {
      "Opens a shell in the container of a build that `localbuild run --debug` (at a",
      "codebuild-breakpoint) or `--debug-on-failure` (at a failed command) paused and that has no",
      "terminal of its own: the build's variables and working directory. `codebuild-resume` in it",
      "lets the build go on. BUILD is a build id, PROJECT:NUMBER, or a project (its paused build).",
    })
final class AttachCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUILD", description = "The paused build.")
  String build;

  @Override
  public Integer call() throws Exception {
    Map<String, String> label = label();
    String container;
    try (DockerClient docker = DockerClients.create()) {
      List<Container> running =
          docker.listContainersCmd().withLabelFilter(label).exec().stream()
              .sorted(Comparator.comparing(Container::getCreated).reversed())
              .toList();
      if (running.isEmpty()) {
        System.err.println("localbuild: no running build " + build + " on this machine");
        return ExitCodes.USAGE;
      }
      container = running.getFirst().getId();
    }
    String dir = DockerProvisioner.SHELL_DIR;
    String rc = dir + "/" + DebugHooks.RC;
    Process p =
        new ProcessBuilder(
                "docker",
                "exec",
                "-it",
                container,
                "sh",
                "-c",
                "if [ -e "
                    + rc
                    + " ]; then ENV="
                    + rc
                    + " exec sh -i; else echo 'localbuild: build "
                    + build
                    + " is running, not paused (run it with --debug or --debug-on-failure)' >&2;"
                    + " exit 2; fi")
            .inheritIO()
            .start();
    return p.waitFor();
  }

  /** The label that finds the build's container. */
  private Map<String, String> label() {
    int colon = build.indexOf(':');
    if (colon < 0) {
      return Map.of(Labels.PROJECT, build);
    }
    String after = build.substring(colon + 1);
    if (after.matches("\\d+")) {
      String id =
          new KeptBuilds(StateDir.resolve()).find(build).map(KeptBuilds.Kept::id).orElse(build);
      return Map.of(Labels.BUILD, id);
    }
    return Map.of(Labels.BUILD, build);
  }
}
