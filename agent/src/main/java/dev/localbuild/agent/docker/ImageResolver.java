package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a build image is in the engine: present, or pulled. A Docker Hub rate limit is
 * explained in one line with its fix. A pull's progress (layers and bytes) goes to {@link
 * Progress}, outside the build's log.
 */
public class ImageResolver {
  protected final DockerClient docker;
  protected final Progress progress;

  public ImageResolver(DockerClient docker) {
    this(docker, Progress.NONE);
  }

  public ImageResolver(DockerClient docker, Progress progress) {
    this.docker = docker;
    this.progress = progress;
  }

  /**
   * @throws ProvisioningException (the user's error) when the image is neither here nor pullable
   */
  public void ensure(String image, LogSink log) throws ProvisioningException, InterruptedException {
    if (present(image)) {
      return;
    }
    log.accept(new LogLine(Instant.now(), LogLine.Source.AGENT, "Pulling image " + image));
    String step = "pulling " + image;
    PullTally tally = new PullTally();
    Instant start = Instant.now();
    try {
      docker
          .pullImageCmd(image)
          .exec(
              new PullImageResultCallback() {
                @Override
                public void onNext(PullResponseItem item) {
                  var d = item.getProgressDetail();
                  tally.accept(
                      item.getId(),
                      item.getStatus(),
                      d == null || d.getCurrent() == null ? 0 : d.getCurrent(),
                      d == null || d.getTotal() == null ? 0 : d.getTotal());
                  progress.update(step, tally.summary());
                  super.onNext(item);
                }
              })
          .awaitCompletion(30, TimeUnit.MINUTES);
      progress.done(
          step,
          "done in "
              + Progress.seconds(Duration.between(start, Instant.now()))
              + " ("
              + tally.summary()
              + ")");
    } catch (RuntimeException e) {
      throw new ProvisioningException(explainPullFailure(image, e.getMessage()), true, e);
    }
    if (!present(image)) {
      throw new ProvisioningException("Unable to pull image " + image, true);
    }
  }

  /**
   * The image exactly: the digest of the registry it came from ({@code name@sha256:...}), or, for
   * an image built or loaded here and never pushed or pulled, its id ({@code sha256:...}).
   */
  public String digest(String image) {
    Seen seen = lastSeen;
    lastSeen = null;
    // the inspection present() just made, if it was of this image: one request less per build
    Inspected i = seen != null && image.equals(seen.image()) ? seen.inspected() : inspect(image);
    var repoDigests = i.repoDigests();
    if (!repoDigests.isEmpty()) {
      String repo = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
      String name = repo.replaceFirst(":[^:/]+$", "");
      return repoDigests.stream()
          .filter(d -> d.startsWith(name + "@"))
          .findFirst()
          .orElse(repoDigests.get(0));
    }
    return i.id();
  }

  /** Whether the engine has the image. */
  public boolean present(String image) {
    try {
      lastSeen = new Seen(image, inspect(image));
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** What present() last saw, for the digest() that follows it in PROVISIONING. */
  private record Seen(String image, Inspected inspected) {}

  /** What a build needs of an image's inspection. */
  private record Inspected(String id, java.util.List<String> repoDigests) {}

  /**
   * {@code GET /images/{name}/json}, as a tree: on the way to every build's container, where
   * docker-java's response type cost its data binding's first use ({@link EngineJson}).
   */
  private Inspected inspect(String image) {
    var answer = EngineJson.get(docker, "/images/" + EngineJson.escape(image) + "/json");
    java.util.List<String> digests = new java.util.ArrayList<>();
    answer.path("RepoDigests").forEach(d -> digests.add(d.asText()));
    return new Inspected(answer.path("Id").asText(), java.util.List.copyOf(digests));
  }

  private volatile @org.jspecify.annotations.Nullable Seen lastSeen;

  static String explainPullFailure(String image, String message) {
    String m = message == null ? "" : message;
    if (m.contains("toomanyrequests")) {
      return "Docker Hub refused to pull "
          + image
          + ": anonymous pull rate limit reached (toomanyrequests). "
          + "Fix: log in (docker login, or DOCKERHUB_USERNAME/DOCKERHUB_PASSWORD for builds) or use a registry mirror.";
    }
    return "CLIENT_ERROR: unable to find image "
        + image
        + " locally and unable to pull it: "
        + m.strip();
  }
}
