package dev.localbuild.agent.aws;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * AWS SDK clients for one {@link AwsTarget}, made on first use and shared: one HTTP client, the
 * target's region, credentials and endpoint override. ECR registry credentials are cached until
 * shortly before they expire.
 */
public final class AwsClients implements AutoCloseable {
  /** Registry credentials are renewed this long before ECR says they expire. */
  static final Duration TOKEN_MARGIN = Duration.ofMinutes(10);

  /** A registry login: the registry's host (and port), user and password. */
  public record RegistryLogin(
      String registry, String username, String password, Instant expiresAt) {}

  private final AwsTarget target;
  private final SdkHttpClient http =
      UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build();
  private final Cache<String, RegistryLogin> ecrLogins =
      Caffeine.newBuilder()
          .maximumSize(16)
          .expireAfter(
              new Expiry<String, RegistryLogin>() {
                @Override
                public long expireAfterCreate(String key, RegistryLogin value, long currentTime) {
                  return keepFor(value.expiresAt(), Instant.now()).toNanos();
                }

                @Override
                public long expireAfterUpdate(
                    String key, RegistryLogin value, long currentTime, long currentDuration) {
                  return expireAfterCreate(key, value, currentTime);
                }

                @Override
                public long expireAfterRead(
                    String key, RegistryLogin value, long currentTime, long currentDuration) {
                  return currentDuration;
                }
              })
          .build();

  /** How long a registry login is reused: until {@link #TOKEN_MARGIN} before it expires. */
  static Duration keepFor(Instant expiresAt, Instant now) {
    Duration d = Duration.between(now, expiresAt.minus(TOKEN_MARGIN));
    return d.isNegative() ? Duration.ZERO : d;
  }

  private EcrClient ecr;
  private EcsClient ecs;
  private SsmClient ssm;
  private SecretsManagerClient secrets;
  private S3Client s3;
  private CloudWatchLogsClient logs;

  public AwsClients(AwsTarget target) {
    this.target = target;
  }

  public AwsTarget target() {
    return target;
  }

  private <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
                  & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>>
      B configure(B b, String service) {
    b.region(Region.of(target.region()))
        .credentialsProvider(target.credentials())
        .httpClient(http)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofMinutes(2)).build());
    if (target.endpoint(service) != null) {
      b.endpointOverride(target.endpoint(service));
    }
    return b;
  }

  public synchronized EcrClient ecr() {
    if (ecr == null) {
      ecr = configure(EcrClient.builder(), "ecr").build();
    }
    return ecr;
  }

  public synchronized EcsClient ecs() {
    if (ecs == null) {
      ecs = configure(EcsClient.builder(), "ecs").build();
    }
    return ecs;
  }

  public synchronized SsmClient ssm() {
    if (ssm == null) {
      ssm = configure(SsmClient.builder(), "ssm").build();
    }
    return ssm;
  }

  public synchronized SecretsManagerClient secrets() {
    if (secrets == null) {
      secrets = configure(SecretsManagerClient.builder(), "secretsmanager").build();
    }
    return secrets;
  }

  public synchronized CloudWatchLogsClient logs() {
    if (logs == null) {
      logs = configure(CloudWatchLogsClient.builder(), "logs").build();
    }
    return logs;
  }

  /** S3; path-style addresses with an endpoint override (the local AWS has no bucket hosts). */
  public synchronized S3Client s3() {
    if (s3 == null) {
      s3 =
          configure(S3Client.builder(), "s3").forcePathStyle(target.endpoint("s3") != null).build();
    }
    return s3;
  }

  /**
   * A session for long-term keys (STS GetSessionToken, 12 hours), for a build's credentials
   * endpoint: the build never sees the keys themselves.
   */
  public AwsSessionCredentials session(AwsCredentials keys) {
    try (StsClient sts =
        configure(StsClient.builder(), "sts")
            .credentialsProvider(StaticCredentialsProvider.create(keys))
            .build()) {
      return session(sts.getSessionToken(b -> b.durationSeconds(12 * 3600)).credentials());
    }
  }

  private static AwsSessionCredentials session(
      software.amazon.awssdk.services.sts.model.Credentials c) {
    return AwsSessionCredentials.builder()
        .accessKeyId(c.accessKeyId())
        .secretAccessKey(c.secretAccessKey())
        .sessionToken(c.sessionToken())
        .expirationTime(c.expiration())
        .build();
  }

  /**
   * A session of a role (STS AssumeRole), as CodeBuild takes a project's service role for a build:
   * what the build may do is then the role's policy.
   */
  public AwsSessionCredentials assumeRole(String roleArn, String sessionName, Duration duration) {
    try (StsClient sts = configure(StsClient.builder(), "sts").build()) {
      return session(
          sts.assumeRole(b ->
                  b.roleArn(roleArn)
                      .roleSessionName(sessionName)
                      .durationSeconds((int) duration.toSeconds()))
              .credentials());
    }
  }

  /** The caller's account: STS GetCallerIdentity. */
  public String accountId() {
    try (StsClient sts =
        configure(StsClient.builder(), "sts")
            .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10)))
            .build()) {
      return sts.getCallerIdentity().account();
    }
  }

  /**
   * The account registry's login, from ECR's GetAuthorizationToken, cached until shortly before it
   * expires (tokens last 12 hours).
   */
  public RegistryLogin ecrLogin() {
    return ecrLogins.get(
        "default",
        k -> {
          AuthorizationData d = ecr().getAuthorizationToken().authorizationData().get(0);
          String decoded =
              new String(
                  Base64.getDecoder().decode(d.authorizationToken()), StandardCharsets.UTF_8);
          String registry = d.proxyEndpoint().replaceFirst("^https?://", "");
          return new RegistryLogin(
              registry,
              decoded.substring(0, decoded.indexOf(':')),
              decoded.substring(decoded.indexOf(':') + 1),
              d.expiresAt());
        });
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {ecr, ecs, ssm, secrets, s3, logs}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing anyway
      }
    }
    http.close();
  }
}
