package dev.localbuild.agent.build;

import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.AwsErrors;
import dev.localbuild.agent.aws.AwsTarget;
import dev.localbuild.agent.aws.BuildCredentials;
import dev.localbuild.agent.aws.HostCredentialsServer;
import dev.localbuild.agent.aws.SdkSecretResolver;
import dev.localbuild.agent.docker.DockerProvisioner;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.localaws.LocalAwsProcess;
import dev.localbuild.runtime.SecretResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Which AWS a run talks to, and what its build gets of it. Without {@code -c} that is the embedded
 * local AWS, started in the background when the build seems to need it (references to parameter
 * store or secrets manager, an {@code aws} command, S3 in the project, a deploy); with {@code -c},
 * real AWS through the usual credentials chain. Either way the build's SDKs get credentials from a
 * credentials endpoint, never from variables, and the build's {@code AWS_ENDPOINT_URL} names the
 * local AWS.
 */
public final class AwsAccess implements AutoCloseable {
  private final @Nullable AwsClients clients;
  private final @Nullable String serviceRole;
  private @Nullable HostCredentialsServer hostCredentials;
  private @Nullable BuildCredentials buildCredentials;
  private @Nullable AwsClients buildClients;

  private final String noSecrets;
  private final Consumer<String> notices;
  // the local AWS's state directory (its parameters.json), null for your account or none
  private @Nullable Path localState;

  private AwsAccess(
      @Nullable AwsClients clients, @Nullable String serviceRole, Consumer<String> notices) {
    this(
        clients,
        serviceRole,
        "no AWS is configured (use -c for your AWS account, or --local-aws)",
        notices);
  }

  private AwsAccess(
      @Nullable AwsClients clients,
      @Nullable String serviceRole,
      String noSecrets,
      Consumer<String> notices) {
    this.clients = clients;
    this.serviceRole = serviceRole;
    this.noSecrets = noSecrets;
    this.notices = notices;
  }

  /** Your account was asked for and no credentials were found: the user's to fix, not a FAULT. */
  static final class NoCredentials extends RuntimeException {
    NoCredentials(String message) {
      super(message);
    }
  }

  /**
   * Why the credentials chain (or a profile) gives no credentials, in the user's terms: where it
   * looked and what to do; empty when it gives some. Asked before the build, so that a missing key
   * is a usage error rather than a build that fails in PROVISIONING with the SDK's list.
   */
  static java.util.Optional<String> noCredentials(AwsTarget target, @Nullable String profile) {
    try {
      target.credentials().resolveCredentials();
      return java.util.Optional.empty();
    } catch (SdkException e) {
      if (profile != null) {
        return java.util.Optional.of(
            "the AWS profile "
                + profile
                + " has no credentials (looked in ~/.aws/credentials and ~/.aws/config, or"
                + " AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE): add them with aws configure"
                + " --profile "
                + profile
                + ", or leave -c out to use the local AWS");
      }
      return java.util.Optional.of(
          "no AWS credentials for your account: looked in AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, the profile "
              + System.getenv().getOrDefault("AWS_PROFILE", "default")
              + " in ~/.aws/credentials and ~/.aws/config, a web identity token"
              + " (AWS_WEB_IDENTITY_TOKEN_FILE) and the container and instance metadata endpoints."
              + " Set one of them (aws configure, or aws sso login), name a profile with -p, or"
              + " leave -c out to use the local AWS");
    }
  }

  /** A build that gets nothing of AWS: no credentials, no secrets, no endpoint. */
  static AwsAccess none(Consumer<String> notices) {
    return new AwsAccess(null, null, notices);
  }

  static AwsAccess create(
      LauncherConfig.Aws o,
      ResolvedOrder setup,
      Path state,
      String buildspecText,
      LocalAwsProcess.@Nullable Starter localAws,
      Consumer<String> notices)
      throws IOException, InterruptedException {
    if (setup.untrusted()) {
      return new AwsAccess(null, null, "an untrusted build gets no secrets", notices);
    }
    String region = setup.region();
    if (o.yourAccount()) {
      AwsTarget target = AwsTarget.aws(o.profile(), region, o.endpoints(), DEFAULT_ACCOUNT);
      noCredentials(target, o.profile())
          .ifPresent(m -> {
            throw new NoCredentials(m);
          });
      // the build's ARNs name the caller's account, as CodeBuild's name the project's
      try (AwsClients probe = new AwsClients(target)) {
        target = target.withAccount(probe.accountId());
      } catch (SdkException e) {
        notices.accept(
            "cannot ask STS which account this is ("
                + AwsErrors.message(e)
                + "); build ARNs name account "
                + target.accountId());
      }
      AwsAccess aws = new AwsAccess(new AwsClients(target), null, notices);
      aws.createRepositories(o.ecrRepositories());
      return aws;
    }
    Path awsState = state.resolve("aws");
    var running = LocalAwsProcess.find(awsState);
    if (running.isEmpty()
        && (o.startLocal() || !o.ecrRepositories().isEmpty() || needsAws(setup, buildspecText))) {
      notices.accept(
          "starting the local AWS (ECR, ECS, S3, SSM, Secrets Manager, STS); it keeps running"
              + " for the next builds (localbuild aws stop stops it)");
      java.time.Instant started = java.time.Instant.now();
      running =
          java.util.Optional.of(
              localAws == null
                  ? LocalAwsProcess.ensure(awsState, LocalAwsProcess.jar(), region)
                  : LocalAwsProcess.ensure(awsState, region, localAws));
      notices.accept(
          "the local AWS is up at port "
              + running.get().port()
              + " ("
              + dev.localbuild.runtime.log.Progress.seconds(
                  java.time.Duration.between(started, java.time.Instant.now()))
              + ")");
    }
    if (running.isEmpty()) {
      return none(notices);
    }
    var r = running.get();
    AwsAccess local =
        new AwsAccess(
            new AwsClients(
                AwsTarget.local(
                    r.port(),
                    r.gateway(),
                    region,
                    DEFAULT_ACCOUNT,
                    LocalAwsProcess.rootKey(awsState))),
            setup.project() == null ? null : setup.project().serviceRole(),
            notices);
    local.localState = awsState;
    local.createLocalBuckets(setup.project());
    local.createRepositories(o.ecrRepositories());
    return local;
  }

  /** ECR repositories the build pushes to, made if missing (--ecr-repository). */
  private void createRepositories(List<String> names) {
    for (String name : names) {
      try {
        clients.ecr().describeRepositories(r -> r.repositoryNames(name));
      } catch (software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException missing) {
        try {
          String uri =
              clients
                  .ecr()
                  .createRepository(r -> r.repositoryName(name))
                  .repository()
                  .repositoryUri();
          notices.accept("created ECR repository " + uri);
        } catch (SdkException e) {
          notices.accept("cannot create ECR repository " + name + ": " + AwsErrors.message(e));
        }
      } catch (SdkException e) {
        notices.accept("cannot look up ECR repository " + name + ": " + AwsErrors.message(e));
      }
    }
  }

  /** The account builds run in: the caller's with -c, else the local AWS's. */
  String accountId() {
    return clients == null ? DEFAULT_ACCOUNT : clients.target().accountId();
  }

  /**
   * In the local AWS, the buckets a project's S3 cache and artifacts name are made on first use: on
   * a laptop there is nobody else to make them.
   */
  private void createLocalBuckets(@Nullable ProjectConfig project) {
    if (project == null) {
      return;
    }
    for (String b : project.s3Buckets()) {
      try {
        clients.s3().headBucket(r -> r.bucket(b));
      } catch (SdkException missing) {
        try {
          clients.s3().createBucket(r -> r.bucket(b));
          notices.accept("created bucket " + b + " in the local AWS");
        } catch (SdkException e) {
          notices.accept("cannot create bucket " + b + ": " + AwsErrors.message(e));
        }
      }
    }
  }

  /**
   * Whether a build looks like it uses AWS: secret references, the aws CLI, or a project whose
   * cache or artifacts are in S3.
   */
  static boolean needsAws(ResolvedOrder setup, String buildspecText) {
    return setup.fetcher() != null // its buildspec is not here yet: give it what CodeBuild would
        || (setup.project() != null && !setup.project().s3Buckets().isEmpty())
        || !setup.request().projectParameters().isEmpty()
        || !setup.request().projectSecrets().isEmpty()
        || buildspecText.contains("parameter-store")
        || buildspecText.contains("secrets-manager")
        || buildspecText.matches("(?s).*(^|[\\s;|&(`$])aws\\s.*");
  }

  static String buildspecText(ResolvedOrder setup) {
    try {
      return setup.request().buildspec().text();
    } catch (dev.localbuild.buildspec.parse.BuildspecException e) {
      return ""; // DOWNLOAD_SOURCE reports it, as part of the build
    }
  }

  /** The local AWS's account: builds that do not use yours run there. */
  static final String DEFAULT_ACCOUNT = LocalAwsProcess.ACCOUNT;

  /**
   * The clients that act as the build (its role's session in the local AWS), for what the agent
   * does on the build's behalf as CodeBuild does with the service role: the S3 cache and S3
   * artifacts. Null without AWS.
   */
  @Nullable AwsClients asBuild() {
    return clients == null ? null : buildClients();
  }

  public @Nullable AwsClients clients() {
    return clients;
  }

  SecretResolver secrets() {
    if (clients == null) {
      return SecretResolver.unavailable(noSecrets);
    }
    SecretResolver sdk = new SdkSecretResolver(buildClients(), this::servedCredentials);
    Path state = localState;
    if (state == null) {
      return sdk;
    }
    // the phase's context stays CodeBuild's words; the user is told how to give the local AWS
    // what it lacks
    return new SecretResolver() {
      @Override
      public java.util.Map<String, String> resolve(
          java.util.Map<String, String> parameters,
          java.util.Map<String, dev.localbuild.buildspec.SecretRef> secrets)
          throws SecretResolutionException {
        try {
          return sdk.resolve(parameters, secrets);
        } catch (SecretResolutionException e) {
          LocalSecretsHint.of(
                  String.valueOf(e.getMessage()),
                  secrets,
                  state.resolve("parameters.json"),
                  clients.target().endpoint("ssm"))
              .ifPresent(notices);
          throw e;
        }
      }

      @Override
      public List<String> credentialValues() {
        return sdk.credentialValues();
      }
    };
  }

  /**
   * Clients that act as the build: in the local AWS, with the service role's session, so that
   * secrets are read and the ECR login is issued as the role (its policy decides, as in CodeBuild);
   * with your account, as you.
   */
  private synchronized AwsClients buildClients() {
    if (!clients.target().local()) {
      return clients;
    }
    if (buildClients == null) {
      buildClients = new AwsClients(clients.target().withCredentials(credentials().provider()));
    }
    return buildClients;
  }

  /** What the build's endpoint serves is masked in the log. */
  private List<String> servedCredentials() {
    try {
      return credentials().servedValues();
    } catch (SdkException e) {
      return List.of(); // no credentials: the build's AWS calls will say so
    }
  }

  /**
   * What the build's credentials endpoint serves: one per run, so its session is reused. In the
   * local AWS that is a session of the project's service role (AssumeRole, renewed before it ends),
   * named as CodeBuild names its sessions; with your account, a session of your own keys.
   */
  private synchronized BuildCredentials credentials() {
    if (buildCredentials == null) {
      String role = roleArn(serviceRole, clients.target().accountId());
      String session = "AWSCodeBuild-" + java.util.UUID.randomUUID();
      buildCredentials =
          new BuildCredentials(
              clients.target().credentials(),
              role,
              clients.target().local()
                  ? keys -> clients.assumeRole(role, session, java.time.Duration.ofHours(1))
                  : clients::session);
    }
    return buildCredentials;
  }

  /** A project's serviceRole as an ARN; localbuild's default role when it names none. */
  public static String roleArn(@Nullable String serviceRole, String account) {
    if (serviceRole == null) {
      return "arn:aws:iam::" + account + ":role/" + DEFAULT_ROLE;
    }
    return serviceRole.startsWith("arn:")
        ? serviceRole
        : "arn:aws:iam::" + account + ":role/" + serviceRole;
  }

  /** The role of builds whose project names none: without a policy file it may do everything. */
  static final String DEFAULT_ROLE = "localbuild-build";

  /**
   * AWS for a build in a container: the credentials endpoint, the endpoint variable, the local ECR.
   */
  DockerProvisioner.@Nullable BuildAws docker() {
    if (clients == null) {
      return null;
    }
    Map<String, String> vars = new LinkedHashMap<>(clients.target().buildEndpointVariables());
    if (!clients.target().local()) {
      // a loopback endpoint (LocalStack on this machine) is this machine, not the container
      vars.replaceAll((k, v) ->
          v.replaceFirst(
              "^(https?://)(127\\.0\\.0\\.1|localhost)([:/]|$)", "$1host.docker.internal$3"));
    }
    List<String> insecure = List.of();
    URI endpoint = clients.target().buildEndpoint();
    if (endpoint != null && clients.target().local()) {
      insecure = List.of(endpoint.getHost() + ":" + endpoint.getPort());
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
    vars.putAll(clients.target().buildEndpointVariables());
    if (clients.target().endpoint() != null) {
      // this machine reaches the local AWS on loopback, containers through the bridge
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
      AwsClients.RegistryLogin l = buildClients().ecrLogin();
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
    if (buildClients != null && buildClients != clients) {
      buildClients.close();
    }
    if (clients != null) {
      clients.close();
    }
  }
}
