package dev.localbuild.agent.docker;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CodeBuild's curated images ({@code aws/codebuild/standard:7.0}, {@code
 * aws/codebuild/amazonlinux-x86_64-standard:5.0}, ...). AWS publishes them to no registry (it
 * declined: aws-codebuild-docker-images issues 411 and 753); users build them from AWS's
 * Dockerfiles in that repository, whose directories this maps the names to.
 */
public final class CuratedImages {
  private static final Pattern NAME =
      Pattern.compile(
          "aws/codebuild/(standard|amazonlinux2?-(x86_64|aarch64)-standard):(\\d+\\.\\d+)");

  private CuratedImages() {}

  public static boolean isCurated(String image) {
    return image.startsWith("aws/codebuild/");
  }

  /**
   * Where AWS's repository keeps the Dockerfile of a curated image: {@code standard:7.0} is {@code
   * ubuntu/standard/7.0}, {@code amazonlinux-x86_64-standard:5.0} is {@code
   * al/x86_64/standard/5.0}, {@code amazonlinux2-aarch64-standard:3.0} is {@code
   * al2/aarch64/standard/3.0}.
   */
  public static Optional<Path> dockerfileDir(String image) {
    Matcher m = NAME.matcher(image);
    if (!m.matches()) {
      return Optional.empty();
    }
    if (m.group(1).equals("standard")) {
      return Optional.of(Path.of("ubuntu", "standard", m.group(3)));
    }
    String distro = m.group(1).startsWith("amazonlinux2") ? "al2" : "al";
    return Optional.of(Path.of(distro, m.group(2), "standard", m.group(3)));
  }

  /** What to tell a user whose build names a curated image this machine does not have. */
  public static String missing(String image, String fallback) {
    String dir = dockerfileDir(image).map(p -> p.toString()).orElse("<its directory>");
    return image
        + " is one of CodeBuild's curated images, which AWS publishes to no registry, and it is not"
        + " on this machine. Build it from AWS's Dockerfiles (a checkout of"
        + " github.com/aws/aws-codebuild-docker-images):\n"
        + "  localbuild image build --from aws-codebuild-docker-images "
        + image
        + "      # builds "
        + dir
        + "\n"
        + "or run on the closest image here, "
        + fallback
        + ", with --image-fallback (its runtimes are listed in the README; a green run there is"
        + " not proof of a green run on "
        + image
        + ")";
  }
}
