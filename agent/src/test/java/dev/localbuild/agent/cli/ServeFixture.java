package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.runtime.sandbox.LocalSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@code localbuild serve} of each test's own (a fresh home, a port of its own, concurrency 2)
 * with an access key, and an AWS CLI signed with it: {@code @RegisterExtension final ServeFixture
 * serve = new ServeFixture();}. After each test the server stops, and its local AWS's registry
 * volume and its directory go.
 */
final class ServeFixture implements BeforeEachCallback, AfterEachCallback {
  Path tmp;
  Path home;
  LocalbuildProcess server;
  String endpoint;
  JsonNode key;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    tmp = Files.createTempDirectory("localbuild-serve-it");
    home = Files.createDirectories(tmp.resolve("home"));
    server = LocalbuildProcess.start(tmp, home, "serve", "--port", "0", "--concurrency", "2");
    endpoint = ServeProcess.endpoint(server);
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, home, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    key = RecordJson.MAPPER.readTree(keys.out());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
    if (home != null) {
      ServeProcess.removeLocalAwsVolumes(home);
    }
    if (tmp != null) {
      LocalSandbox.deleteTree(tmp);
    }
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
}
