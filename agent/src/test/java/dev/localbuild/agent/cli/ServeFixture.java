package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code localbuild serve} of a test's own (a fresh home, a port of its own, concurrency 2) with
 * an access key, and an AWS CLI signed with it. Closing it stops the server and removes its local
 * AWS's registry volume.
 */
final class ServeFixture implements AutoCloseable {
  final Path tmp;
  final Path home;
  final LocalbuildProcess server;
  final String endpoint;
  final JsonNode key;

  private ServeFixture(
      Path tmp, Path home, LocalbuildProcess server, String endpoint, JsonNode key) {
    this.tmp = tmp;
    this.home = home;
    this.server = server;
    this.endpoint = endpoint;
    this.key = key;
  }

  static ServeFixture start(Path tmp) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    LocalbuildProcess server =
        LocalbuildProcess.start(tmp, home, "serve", "--port", "0", "--concurrency", "2");
    String endpoint = ServeProcess.endpoint(server);
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, home, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    return new ServeFixture(tmp, home, server, endpoint, RecordJson.MAPPER.readTree(keys.out()));
  }

  /** An AWS CLI ({@code cli}: its command line) against the server, as its key. */
  ServeProcess.Cli cli(List<String> cli, String... args) throws Exception {
    return ServeProcess.aws(
        cli,
        tmp,
        endpoint,
        key.path("accessKeyId").asText(),
        key.path("secretAccessKey").asText(),
        args);
  }

  /** Debian's AWS CLI against the server; it must succeed. */
  ServeProcess.Cli aws(String... args) throws Exception {
    ServeProcess.Cli c = cli(List.of(ServeProcess.AWS), args);
    assertThat(c.exit()).as(String.join(" ", args) + ": " + c.err()).isZero();
    return c;
  }

  /** A project with this source and environment, no artifacts. */
  void createProject(String name, String source, String environment) throws Exception {
    ServeProcess.createProject(
        tmp,
        endpoint,
        key.path("accessKeyId").asText(),
        key.path("secretAccessKey").asText(),
        name,
        source,
        environment);
  }

  @Override
  public void close() throws Exception {
    if (server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
    ServeProcess.removeLocalAwsVolumes(home);
  }
}
