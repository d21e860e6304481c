package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.StandardImage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code localbuild image build}: builds the default build image ahead of the first build, or one
 * of CodeBuild's curated images from a checkout of AWS's Dockerfiles.
 */
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
      description = {
        "Builds localbuild/standard (Debian 12, Docker, git, Python, Node.js, Java; its runtimes.yml",
        "answers runtime-versions). Builds do this on first use; run it ahead to keep the first build",
        "fast. With --from and a curated image's name (aws/codebuild/standard:7.0, ...), builds that",
        "image from a checkout of github.com/aws/aws-codebuild-docker-images and tags it with the name."
      })
  static final class Build implements Callable<Integer> {
    @Option(names = "--tag", description = "Image name (default: ${DEFAULT-VALUE}).")
    String tag = dev.localbuild.agent.build.OrderResolver.DEFAULT_IMAGE;

    @Option(
        names = "--from",
        paramLabel = "DIR",
        description = "A checkout of AWS's aws-codebuild-docker-images repository.")
    java.nio.file.Path from;

    @picocli.CommandLine.Parameters(
        arity = "0..1",
        paramLabel = "IMAGE",
        description = "A curated image to build with --from, e.g. aws/codebuild/standard:7.0.")
    String curated;

    @Override
    public Integer call() throws Exception {
      if (curated != null || from != null) {
        return curated();
      }
      try (DockerClient docker = DockerClients.create()) {
        // the steps as progress on stderr, as when a build makes it on first use
        new StandardImage(docker, StderrProgress.system()).rebuild(tag);
        System.err.println("localbuild: built " + tag);
        return ExitCodes.SUCCEEDED;
      }
    }

    private int curated() throws Exception {
      if (curated == null || from == null) {
        System.err.println(
            "localbuild: image build --from DIR IMAGE: both a checkout of"
                + " aws-codebuild-docker-images and a curated image's name are needed");
        return ExitCodes.USAGE;
      }
      var dir = dev.localbuild.agent.docker.CuratedImages.dockerfileDir(curated);
      if (dir.isEmpty()) {
        System.err.println(
            "localbuild: "
                + curated
                + " is not a curated image name this knows (aws/codebuild/standard:N.N,"
                + " aws/codebuild/amazonlinux[2]-x86_64|aarch64-standard:N.N)");
        return ExitCodes.USAGE;
      }
      java.nio.file.Path context = from.resolve(dir.get());
      if (!java.nio.file.Files.isRegularFile(context.resolve("Dockerfile"))) {
        System.err.println(
            "localbuild: no Dockerfile in "
                + context
                + " (is "
                + from
                + " a checkout of aws-codebuild-docker-images?)");
        return ExitCodes.USAGE;
      }
      System.err.println("localbuild: building " + curated + " from " + context);
      try (DockerClient docker = DockerClients.create()) {
        docker
            .buildImageCmd(context.toFile())
            .withTags(java.util.Set.of(curated))
            .exec(
                new com.github.dockerjava.api.command.BuildImageResultCallback() {
                  @Override
                  public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
                    if (item.getStream() != null && !item.getStream().isBlank()) {
                      System.err.print(item.getStream()); // progress: stderr, as every step goes
                    }
                    super.onNext(item);
                  }
                })
            .awaitImageId();
      }
      System.err.println("localbuild: built " + curated);
      return ExitCodes.SUCCEEDED;
    }
  }
}
