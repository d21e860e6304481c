package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A real CNCF registry ({@code registry:2}, the local stand-in docker-up builds) for tests: it is
 * the Docker Hub mirror of build daemons (seeded with the base images they need, as no registry can
 * be reached from here) and the push target standing in for ECR.
 */
public final class RegistryFixture implements AutoCloseable {
  private final GenericContainer<?> registry;
  private final DockerClient docker;

  @SuppressWarnings("resource")
  public RegistryFixture(DockerClient docker) {
    this.docker = docker;
    this.registry =
        new GenericContainer<>("registry:2")
            .withImagePullPolicy(name -> false)
            .withExposedPorts(5000)
            .withLabel(Labels.ROLE, "test-registry")
            // CI's two cores are busy with other suites' builds: give a slow start time, and a
            // second container if the first one never answers
            .waitingFor(
                Wait.forHttp("/v2/").forPort(5000).withStartupTimeout(Duration.ofMinutes(2)))
            .withStartupAttempts(2);
    registry.start();
  }

  /** {@code localhost:<port>}: where this machine's engine pushes (localhost needs no TLS). */
  public String hostAddress() {
    return "localhost:" + registry.getMappedPort(5000);
  }

  /** {@code <ip>:5000}: where containers on the default bridge reach it. */
  public String bridgeAddress() {
    String ip =
        docker
            .inspectContainerCmd(registry.getContainerId())
            .exec()
            .getNetworkSettings()
            .getIpAddress();
    return ip + ":5000";
  }

  /** The registry as a Docker Hub mirror for a build's daemon. */
  public String mirrorUrl() {
    return "http://" + bridgeAddress();
  }

  /** Copies a local image into the registry as a Docker Hub image ({@code library/<name>}). */
  public void seed(String localImage, String hubName) throws InterruptedException {
    String name = hubName.replaceAll(":.*", "");
    String repo = hostAddress() + "/" + (name.contains("/") ? name : "library/" + name);
    String tag = hubName.contains(":") ? hubName.substring(hubName.indexOf(':') + 1) : "latest";
    docker.tagImageCmd(localImage, repo, tag).exec();
    docker
        .pushImageCmd(repo)
        .withTag(tag)
        .exec(new ResultCallback.Adapter<PushResponseItem>())
        .awaitCompletion();
    docker.removeImageCmd(repo + ":" + tag).exec();
  }

  /** Whether a repository has a tag. */
  public boolean has(String repository, String tag) {
    try (var c = java.net.http.HttpClient.newHttpClient()) {
      var res =
          c.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://" + hostAddress() + "/v2/" + repository + "/manifests/" + tag))
                  .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                  .GET()
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
      return res.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  Map<String, String> labels() {
    return Map.of(Labels.ROLE, "test-registry");
  }

  @Override
  public void close() {
    registry.stop();
  }
}
