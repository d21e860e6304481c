package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local AWS inside a host's Vert.x (the build server's), as well as in a process of its own.
 */
@Timeout(120)
class EmbeddedLocalAwsIT {
  @TempDir Path state;

  @Test
  void itServesInTheHostsVertxAndLeavesItRunningWhenClosed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (DockerClient docker = DockerClients.create()) {
      LocalAwsServer server =
          new LocalAwsServer(
                  new LocalAwsServer.Config(state, "us-east-1", "000000000000", 0, false),
                  docker,
                  vertx)
              .start();
      try {
        var who =
            LocalAwsFixture.cli(
                server.endpoint(), LocalAwsProcess.rootKey(state), "sts", "get-caller-identity");
        assertThat(who.exit()).as(who.err()).isZero();
        assertThat(who.json().path("Account").asText()).isEqualTo("000000000000");
        // `localbuild aws stop` finds it by its state directory, but must not kill its host
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> LocalAwsProcess.stop(state, docker, false))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(
                "runs inside localbuild serve (pid " + ProcessHandle.current().pid());
        assertThat(LocalAwsProcess.find(state)).isPresent();
      } finally {
        server.close();
      }
      // the host's Vert.x is the host's: still running, still serving
      var other = vertx.createHttpServer().requestHandler(r -> r.response().end("ok"));
      assertThat(other.listen(0).await(10, TimeUnit.SECONDS).actualPort()).isPositive();
      // the server's close leaves the registry for the next start, as a stopped `aws serve` does
      assertThat(
              docker
                  .listContainersCmd()
                  .withLabelFilter(
                      java.util.Map.of(
                          LocalAwsProcess.INSTANCE_LABEL, LocalAwsProcess.instance(state)))
                  .exec())
          .isNotEmpty();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      try (DockerClient docker = DockerClients.create()) {
        LocalAwsProcess.removeContainers(docker, state);
        LocalAwsProcess.purge(state, docker);
      }
    }
  }
}
