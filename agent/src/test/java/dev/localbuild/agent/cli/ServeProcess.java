package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What tests of {@code localbuild serve} share: waiting for it to listen, and the AWS CLI. */
final class ServeProcess {
  private ServeProcess() {}

  static final String AWS = "/usr/bin/aws";
  static final Pattern PORT =
      Pattern.compile("serving CodeBuild's API on http://127\\.0\\.0\\.1:(\\d+)");

  /** The AWS CLI's exit status and output. */
  record Cli(int exit, String out, String err) {
    com.fasterxml.jackson.databind.JsonNode json() throws Exception {
      return dev.localbuild.agent.record.RecordJson.MAPPER.readTree(out);
    }
  }

  /** The endpoint of a server that was started, once it says it listens. */
  static String endpoint(LocalbuildProcess server) throws Exception {
    String err = "";
    for (int i = 0; i < 600 && !PORT.matcher(err).find(); i++) {
      assertThat(server.process.isAlive()).as(err).isTrue();
      TimeUnit.MILLISECONDS.sleep(100);
      err = server.err();
    }
    Matcher m = PORT.matcher(err);
    assertThat(m.find()).as(err).isTrue();
    return "http://127.0.0.1:" + m.group(1);
  }

  /**
   * pip's AWS CLI v1, with the python3 whose botocore {@code ServiceModel} reads: Debian's CLI
   * (2.9) predates CodeBuild's sandboxes, this one has them.
   */
  static final List<String> AWS_V1 = List.of("python3", "-m", "awscli");

  /** Debian's AWS CLI against the server, with a key and nothing of this machine's config. */
  static Cli aws(Path tmp, String endpoint, String keyId, String secret, String... args)
      throws Exception {
    return aws(List.of(AWS), tmp, endpoint, keyId, secret, args);
  }

  /** An AWS CLI ({@code cli}: its command line) against the server, as {@link #aws}. */
  static Cli aws(
      List<String> cli, Path tmp, String endpoint, String keyId, String secret, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(cli);
    cmd.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path out = Files.createTempFile(tmp, "aws", ".out");
    Path err = Files.createTempFile(tmp, "aws", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", keyId);
    env.put("AWS_SECRET_ACCESS_KEY", secret);
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * The builds' local AWS keeps its registry's volume for the next start of a server with this
   * home: a test's server does not start again, so its volume goes.
   */
  static void removeLocalAwsVolumes(Path home) {
    String instance = dev.localbuild.localaws.LocalAwsProcess.instance(home.resolve("server/aws"));
    try (var docker = dev.localbuild.agent.docker.DockerClients.create()) {
      var volumes =
          docker
              .listVolumesCmd()
              .withFilter(
                  "label",
                  List.of(dev.localbuild.localaws.LocalAwsProcess.INSTANCE_LABEL + "=" + instance))
              .exec()
              .getVolumes();
      if (volumes != null) {
        volumes.forEach(v -> docker.removeVolumeCmd(v.getName()).exec());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The environment under which git fetches {@code url} (a project's GitHub location) from a local
   * repository instead, as a served build and a reproduction fetch it.
   */
  static Map<String, String> gitInsteadOf(Path repo, String url) {
    return Map.of(
        "GIT_CONFIG_COUNT",
        "1",
        "GIT_CONFIG_KEY_0",
        "url." + repo.toUri() + ".insteadOf",
        "GIT_CONFIG_VALUE_0",
        url);
  }

  /**
   * CreateProject through the AWS CLI: a project with this source and environment, no artifacts.
   */
  static void createProject(
      Path tmp,
      String endpoint,
      String keyId,
      String secret,
      String name,
      String source,
      String environment)
      throws Exception {
    Cli created =
        aws(
            tmp,
            endpoint,
            keyId,
            secret,
            "codebuild",
            "create-project",
            "--name",
            name,
            "--source",
            source,
            "--artifacts",
            "type=NO_ARTIFACTS",
            "--environment",
            environment,
            "--service-role",
            "arn:aws:iam::000000000000:role/localbuild-build");
    assertThat(created.exit()).as(created.err()).isZero();
  }
}
