package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a build image is in the engine: present, or pulled. A Docker Hub rate limit is
 * explained in one line with its fix.
 */
public class ImageResolver {
  protected final DockerClient docker;

  public ImageResolver(DockerClient docker) {
    this.docker = docker;
  }

  /**
   * @throws ProvisioningException (the user's error) when the image is neither here nor pullable
   */
  public void ensure(String image, LogSink log) throws ProvisioningException, InterruptedException {
    if (present(image)) {
      return;
    }
    log.accept(new LogLine(Instant.now(), LogLine.Source.AGENT, "Pulling image " + image));
    try {
      docker
          .pullImageCmd(image)
          .exec(new PullImageResultCallback())
          .awaitCompletion(30, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      throw new ProvisioningException(explainPullFailure(image, e.getMessage()), true, e);
    }
    if (!present(image)) {
      throw new ProvisioningException("Unable to pull image " + image, true);
    }
  }

  /** Whether the engine has the image. */
  public boolean present(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

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
