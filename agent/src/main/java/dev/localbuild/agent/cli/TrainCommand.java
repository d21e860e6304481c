package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code localbuild train DIR}: the work {@code bin/localbuild} has the JVM record once per jar to
 * make its ahead-of-time cache (JDK 25+), so later starts load and link those classes from it: a
 * build of a one-command buildspec on this machine, the Docker client's first calls, and the same
 * build in a container of the engine's smallest image. Nothing of it is kept: the launcher runs it
 * with {@code LOCALBUILD_HOME} in a scratch directory, and the build's container is removed as any
 * build's is.
 */
@Command(
    name = "train",
    hidden = true,
    description = "Runs what bin/localbuild's ahead-of-time cache is made from (internal).")
final class TrainCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "A scratch directory for the build's source.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo trained\n");
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    System.setOut(nowhere);
    System.setErr(nowhere);
    try {
      Main.commandLine().execute("run", "--executor", "host", "-s", src.toString(), "--json", "-");
      String image = null;
      try (DockerClient docker = DockerClients.create()) {
        // the calls a docker build's start makes before its container runs
        docker.pingCmd().exec();
        docker.listContainersCmd().withLabelFilter(Map.of(Labels.OWNER, Labels.owner())).exec();
        docker.listVolumesCmd().withFilter("label", java.util.List.of(Labels.OWNER)).exec();
        docker.listNetworksCmd().exec();
        var images = docker.listImagesCmd().exec();
        images.stream().findFirst().ifPresent(i -> docker.inspectImageCmd(i.getId()).exec());
        image = smallest(images);
      } catch (RuntimeException noEngine) {
        // the classes are loaded all the same
      }
      if (image != null) {
        // and a whole docker build (create, the source through its shell, start, attach, remove),
        // on the smallest image this engine has: the requests' JSON mapping is cached too
        Main.commandLine().execute("run", "-i", image, "-s", src.toString(), "--json", "-");
      }
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return 0;
  }

  /** The smallest tagged image (a build of {@code echo} runs in any with a shell), or null. */
  private static String smallest(java.util.List<com.github.dockerjava.api.model.Image> images) {
    return images.stream()
        .filter(i -> i.getRepoTags() != null && i.getRepoTags().length > 0)
        .filter(i -> !i.getRepoTags()[0].startsWith("<none>"))
        .min(
            java.util.Comparator.comparingLong(
                i -> i.getSize() == null ? Long.MAX_VALUE : i.getSize()))
        .map(i -> i.getRepoTags()[0])
        .orElse(null);
  }
}
