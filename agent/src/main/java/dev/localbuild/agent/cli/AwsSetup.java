package dev.localbuild.agent.cli;

import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.AwsTarget;
import dev.localbuild.agent.aws.BuildCredentials;
import dev.localbuild.agent.aws.HostCredentialsServer;
import dev.localbuild.agent.aws.SdkSecretResolver;
import dev.localbuild.agent.docker.DockerProvisioner;
import dev.localbuild.agent.localaws.LocalAwsProcess;
import dev.localbuild.runtime.SecretResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which AWS a run talks to, and what its build gets of it. Without {@code -c} that is the embedded
 * local AWS, started in the background when the build seems to need it (references to parameter
 * store or secrets manager, an {@code aws} command, a deploy); with {@code -c}, real AWS through
 * the usual credentials chain. Either way the build's SDKs get credentials from a credentials
 * endpoint, never from variables, and the build's {@code AWS_ENDPOINT_URL} names the local AWS.
 */
final class AwsSetup implements AutoCloseable {
  private final @Nullable AwsClients clients;
  private @Nullable HostCredentialsServer hostCredentials;

  private AwsSetup(@Nullable AwsClients clients) {
    this.clients = clients;
  }

  static AwsSetup create(RunOptions o, BuildSetup setup, Path state, String buildspecText)
      throws IOException, InterruptedException {
    String region = setup.region();
    if (o.awsConfig) {
      AwsTarget target =
          AwsTarget.aws(
              o.profile,
              region,
              o.awsEndpoint == null ? null : URI.create(o.awsEndpoint),
              BuildSetup.DEFAULT_ACCOUNT);
      return new AwsSetup(new AwsClients(target));
    }
    Path awsState = state.resolve("aws");
    var running = LocalAwsProcess.find(awsState);
    if (running.isEmpty() && (o.localAws || o.deploy != null || needsAws(setup, buildspecText))) {
      System.err.println(
          "localbuild: starting the local AWS (ECR, ECS, SSM, Secrets Manager, STS) in the background");
      running = java.util.Optional.of(LocalAwsProcess.ensure(awsState, AwsCommand.jar(), region));
    }
    if (running.isEmpty()) {
      return new AwsSetup(null);
    }
    var r = running.get();
    return new AwsSetup(
        new AwsClients(AwsTarget.local(r.port(), r.gateway(), region, BuildSetup.DEFAULT_ACCOUNT)));
  }

  /** Whether a build looks like it uses AWS: secret references, or the aws CLI. */
  static boolean needsAws(BuildSetup setup, String buildspecText) {
    return !setup.request().projectParameters().isEmpty()
        || !setup.request().projectSecrets().isEmpty()
        || buildspecText.contains("parameter-store")
        || buildspecText.contains("secrets-manager")
        || buildspecText.matches("(?s).*(^|[\\s;|&(`$])aws\\s.*");
  }

  static String buildspecText(BuildSetup setup) {
    var b = setup.request().buildspec();
    try {
      return b.inline() != null
          ? b.inline()
          : b.file() != null && Files.exists(b.file()) ? Files.readString(b.file()) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Nullable AwsClients clients() {
    return clients;
  }

  SecretResolver secrets() {
    return clients == null
        ? SecretResolver.unavailable(
            "no AWS is configured (use -c for your AWS account, or --local-aws)")
        : new SdkSecretResolver(clients);
  }

  private BuildCredentials credentials() {
    String role = "arn:aws:iam::" + clients.target().accountId() + ":role/localbuild-build";
    return new BuildCredentials(clients.target().credentials(), role);
  }

  /**
   * AWS for a build in a container: the credentials endpoint, the endpoint variable, the local ECR.
   */
  DockerProvisioner.@Nullable BuildAws docker() {
    if (clients == null) {
      return null;
    }
    Map<String, String> vars = new LinkedHashMap<>();
    List<String> insecure = List.of();
    URI endpoint = clients.target().buildEndpoint();
    if (endpoint != null) {
      vars.put("AWS_ENDPOINT_URL", endpoint.toString());
      if (clients.target().local()) {
        insecure = List.of(endpoint.getHost() + ":" + endpoint.getPort());
      }
    }
    return new DockerProvisioner.BuildAws(credentials(), vars, insecure);
  }

  /** AWS for a build on this machine: a loopback credentials endpoint. */
  Map<String, String> host() throws IOException {
    if (clients == null) {
      return Map.of();
    }
    hostCredentials = new HostCredentialsServer(credentials());
    Map<String, String> vars = new LinkedHashMap<>(hostCredentials.variables());
    if (clients.target().endpoint() != null) {
      vars.put("AWS_ENDPOINT_URL", clients.target().endpoint().toString());
    }
    return vars;
  }

  /** The ECR login for the build's Docker daemon (the local ECR as the build reaches it). */
  @Nullable Supplier<AwsClients.RegistryLogin> ecrLogin() {
    if (clients == null) {
      return null;
    }
    return () -> {
      AwsClients.RegistryLogin l = clients.ecrLogin();
      URI build = clients.target().buildEndpoint();
      return clients.target().local() && build != null
          ? new AwsClients.RegistryLogin(
              build.getHost() + ":" + build.getPort(), l.username(), l.password(), l.expiresAt())
          : l;
    };
  }

  @Override
  public void close() {
    if (hostCredentials != null) {
      hostCredentials.close();
    }
    if (clients != null) {
      clients.close();
    }
  }
}
