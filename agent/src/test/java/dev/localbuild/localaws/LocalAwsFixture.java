package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * A local AWS in this JVM for tests, and Debian's AWS CLI v2 ({@code /usr/bin/aws}) pointed at it:
 * the CLI is the proof that the protocols are AWS's own.
 */
public final class LocalAwsFixture implements AutoCloseable {
  static final String CLI = "/usr/bin/aws";
  private final DockerClient docker = DockerClients.create();
  private final Path state;
  private LocalAwsServer server;

  public LocalAwsFixture(Path state) throws Exception {
    this.state = state;
    start();
  }

  public void start() throws Exception {
    server =
        new LocalAwsServer(
                new LocalAwsServer.Config(state, "us-east-1", "000000000000", 0, false), docker)
            .start();
  }

  /** Stops the server, leaving its state and task containers, as a crash or restart would. */
  public void stop() {
    server.close();
  }

  public LocalAwsServer server() {
    return server;
  }

  public DockerClient docker() {
    return docker;
  }

  /** The result of an AWS CLI command. */
  public record Cli(int exit, String out, String err) {
    public JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  /** The local AWS's root key, which its owner (and these tests) sign with. */
  public AwsBasicCredentials rootKey() throws IOException {
    return LocalAwsProcess.rootKey(state);
  }

  /** Runs {@code aws --endpoint-url <local> --region us-east-1 <args> --output json}. */
  public Cli aws(String... args) throws Exception {
    return cli(server.endpoint(), rootKey(), args);
  }

  /** The AWS CLI without credentials: unsigned requests. */
  public Cli unsigned(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--no-sign-request"));
    all.addAll(List.of(args));
    return cli(server.endpoint(), rootKey(), all.toArray(String[]::new));
  }

  /** The AWS CLI against a local AWS at an endpoint (one this JVM did not start, too). */
  public static Cli cli(String endpoint, AwsCredentials keys, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CLI,
                "--endpoint-url",
                endpoint,
                "--region",
                "us-east-1",
                "--output",
                "json",
                "--no-cli-pager"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (keys instanceof AwsSessionCredentials session) {
      pb.environment().put("AWS_SESSION_TOKEN", session.sessionToken());
    }
    pb.environment()
        .putAll(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                keys.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY",
                keys.secretAccessKey(),
                "AWS_CONFIG_FILE",
                "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE",
                "/dev/null"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(2, TimeUnit.MINUTES);
    return new Cli(p.exitValue(), out, err);
  }

  /** Removes what the local AWS made in Docker: task containers and its registry. */
  @Override
  public void close() throws IOException {
    server.close();
    LocalAwsProcess.removeContainers(docker, state);
    LocalAwsProcess.purge(state, docker);
    docker.close();
  }
}
