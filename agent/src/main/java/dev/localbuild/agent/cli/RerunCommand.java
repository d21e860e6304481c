package dev.localbuild.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.localaws.LocalAwsProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code localbuild rerun}: a kept build run again with the same command. */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    header = "Run a kept build again, with the same settings.",
    usageHelpWidth = 100,
    description = {
      "Runs `localbuild run` again with the flags the build was run with, from the directory it was",
      "run in: the same source, buildspec, image, variables and project. The rerun is a new build",
      "with its own number. BUILD is PROJECT:NUMBER (see `localbuild history`), a build id or ARN.",
    })
final class RerunCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUILD", description = "The build to run again.")
  String build;

  @Override
  public Integer call() throws IOException, InterruptedException {
    KeptBuilds kept = new KeptBuilds(StateDir.resolve());
    KeptBuilds.Kept k = HistoryCommand.find(kept, build);
    if (k == null) {
      return ExitCodes.USAGE;
    }
    Path file = kept.commandFile(k.project(), k.number());
    if (!Files.exists(file)) {
      System.err.println(
          "localbuild: build "
              + build
              + " kept no command to rerun (it ran before commands were kept)");
      return ExitCodes.USAGE;
    }
    JsonNode command = RecordJson.MAPPER.readTree(file.toFile());
    Path directory = Path.of(command.path("directory").asText());
    if (!Files.isDirectory(directory)) {
      System.err.println("localbuild: build " + build + " ran in " + directory + ", which is gone");
      return ExitCodes.USAGE;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(LocalAwsProcess.jar().toString());
    cmd.add("run");
    command.path("arguments").forEach(a -> cmd.add(a.asText()));
    System.err.println(
        "localbuild: rerunning "
            + k.project()
            + ":"
            + k.number()
            + " in "
            + directory
            + ": localbuild run "
            + String.join(" ", cmd.subList(4, cmd.size())));
    // its own process: the flags name paths relative to the directory it ran in
    Process p = new ProcessBuilder(cmd).directory(directory.toFile()).inheritIO().start();
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      p.destroy(); // Ctrl-C: the rerun stops its build and records it STOPPED
      p.waitFor();
      throw e;
    }
  }
}
