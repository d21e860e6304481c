package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The default build image, {@code localbuild/standard}, built from the Dockerfile inside localbuild
 * the first time a build needs it (and again when a new localbuild changes it: the image carries a
 * digest of its recipe). Any other image is resolved as usual: present, or pulled.
 */
public final class StandardImage extends ImageResolver {
  public static final String NAME = "localbuild/standard";
  static final String RESOURCES = "/dev/localbuild/agent/images/standard/";
  static final List<String> FILES =
      List.of("Dockerfile", "runtimes.yml", "dockerd-entrypoint.sh", "aws");
  static final String DIGEST_LABEL = "dev.localbuild.image-recipe";

  public StandardImage(DockerClient docker) {
    super(docker);
  }

  public StandardImage(DockerClient docker, dev.localbuild.runtime.log.Progress progress) {
    super(docker, progress);
  }

  /** Whether an image reference names the standard image. */
  public static boolean isStandard(String image) {
    return image.equals(NAME) || image.startsWith(NAME + ":");
  }

  @Override
  public void ensure(String image, LogSink log) throws ProvisioningException, InterruptedException {
    if (!isStandard(image)) {
      super.ensure(image, log);
      return;
    }
    String digest = recipeDigest();
    if (digest.equals(builtDigest(image))) {
      return;
    }
    log.accept(
        new LogLine(
            Instant.now(),
            LogLine.Source.AGENT,
            "Building the default build image " + image + " (first use; takes a few minutes)"));
    build(image, digest);
  }

  /** Builds the standard image now, whether or not it is present. */
  public void rebuild(String image) throws ProvisioningException, InterruptedException {
    build(image, recipeDigest());
  }

  private String builtDigest(String image) {
    try {
      InspectImageResponse i = docker.inspectImageCmd(image).exec();
      Map<String, String> labels = i.getConfig() == null ? null : i.getConfig().getLabels();
      return labels == null ? null : labels.get(DIGEST_LABEL);
    } catch (NotFoundException e) {
      return null;
    }
  }

  private void build(String image, String digest)
      throws ProvisioningException, InterruptedException {
    String step = "building " + image;
    StepProgress steps = new StepProgress();
    Instant start = Instant.now();
    try (InputStream context = new ByteArrayInputStream(contextTar())) {
      docker
          .buildImageCmd(context)
          .withTags(Set.of(image.contains(":") ? image : image + ":latest"))
          .withLabels(Map.of(DIGEST_LABEL, digest))
          .withPull(false)
          .exec(
              new BuildImageResultCallback() {
                @Override
                public void onNext(BuildResponseItem item) {
                  if (item.getStream() != null) {
                    steps.accept(item.getStream()).ifPresent(s -> progress.update(step, s));
                  }
                  super.onNext(item);
                }
              })
          .awaitImageId();
      progress.done(
          step,
          "done in "
              + dev.localbuild.runtime.log.Progress.seconds(
                  java.time.Duration.between(start, Instant.now())));
    } catch (IOException | RuntimeException e) {
      throw new ProvisioningException(
          "Unable to build the default image "
              + image
              + ": "
              + e.getMessage()
              + ". Build it yourself with `localbuild image build`, or choose another image with -i.",
          false,
          e);
    }
  }

  static byte[] contextTar() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
      for (String name : FILES) {
        byte[] content = resource(name);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(name.endsWith(".sh") ? 0100755 : 0100644);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return buf.toByteArray();
  }

  /** A digest of the image's recipe: a new one means the image must be built again. */
  static String recipeDigest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String name : FILES) {
        sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(resource(name));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = StandardImage.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("missing resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    }
  }
}
