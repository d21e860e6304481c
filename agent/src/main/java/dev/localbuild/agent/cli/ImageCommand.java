package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.StandardImage;
import dev.localbuild.agent.output.TerminalLog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code localbuild image build}: builds the default build image ahead of the first build. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = "Manage the default build image.",
    subcommands = {ImageCommand.Build.class})
final class ImageCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description =
          "Builds localbuild/standard (Debian 12, Docker, git, Python, Node.js, Java; its runtimes.yml"
              + " answers runtime-versions). Builds do this on first use; run it ahead to keep the first build fast.")
  static final class Build implements Callable<Integer> {
    @Option(names = "--tag", description = "Image name (default: ${DEFAULT-VALUE}).")
    String tag = BuildSetup.DEFAULT_IMAGE;

    @Override
    public Integer call() throws Exception {
      try (DockerClient docker = DockerClients.create()) {
        new StandardImage(docker).rebuild(tag, new TerminalLog(System.out));
        System.err.println("localbuild: built " + tag);
        return ExitCodes.SUCCEEDED;
      }
    }
  }
}
