package dev.localbuild.agent.aws;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Which AWS a build talks to: the embedded local AWS (the default: no account needed), or real AWS
 * with the usual credentials chain ({@code -c}, {@code -p PROFILE}), optionally through an endpoint
 * override (a LocalStack, a VPC endpoint).
 *
 * @param local whether this is the embedded local AWS
 * @param endpoint the endpoint for this machine, or null for AWS's own
 * @param buildEndpoint the endpoint as a build container reaches it, or null
 * @param region the region
 * @param accountId the account (the local AWS's, or the caller's)
 * @param credentials how the agent signs its requests
 */
public record AwsTarget(
    boolean local,
    @Nullable URI endpoint,
    @Nullable URI buildEndpoint,
    String region,
    String accountId,
    AwsCredentialsProvider credentials) {
  public AwsTarget {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
  }

  /** The local AWS accepts any signature; these are the keys localbuild signs with. */
  public static final AwsBasicCredentials LOCAL_KEYS =
      AwsBasicCredentials.create("LOCALBUILDACCESSKEY00", "localbuild-local-aws-secret");

  /** The embedded local AWS at a port, reached from containers through the bridge gateway. */
  public static AwsTarget local(int port, @Nullable String gateway, String region, String account) {
    return new AwsTarget(
        true,
        URI.create("http://127.0.0.1:" + port),
        gateway == null ? null : URI.create("http://" + gateway + ":" + port),
        region,
        account,
        StaticCredentialsProvider.create(LOCAL_KEYS));
  }

  /** Real AWS with the default credentials chain, or a profile's. */
  public static AwsTarget aws(
      @Nullable String profile, String region, @Nullable URI endpoint, String account) {
    AwsCredentialsProvider creds =
        profile == null
            ? DefaultCredentialsProvider.builder().build()
            : ProfileCredentialsProvider.create(profile);
    return new AwsTarget(false, endpoint, endpoint, region, account, creds);
  }
}
