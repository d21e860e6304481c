package dev.localbuild.agent.aws;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
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
 * @param serviceEndpoints endpoints of single services (by the SDK's id: ecr, ecs, s3, ssm,
 *     secretsmanager, sts), which win over {@code endpoint}
 */
public record AwsTarget(
    boolean local,
    @Nullable URI endpoint,
    @Nullable URI buildEndpoint,
    String region,
    String accountId,
    AwsCredentialsProvider credentials,
    Map<String, URI> serviceEndpoints) {
  public AwsTarget {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentials, "credentials");
    serviceEndpoints = Map.copyOf(serviceEndpoints);
  }

  /** The endpoint of one service, or null for AWS's own. */
  public @Nullable URI endpoint(String service) {
    return serviceEndpoints.getOrDefault(service, endpoint);
  }

  /** This target for another account. */
  public AwsTarget withAccount(String account) {
    return new AwsTarget(
        local, endpoint, buildEndpoint, region, account, credentials, serviceEndpoints);
  }

  /**
   * The embedded local AWS at a port, reached from containers through the bridge gateway.
   *
   * @param rootKey the local AWS's root key ({@code root-key.json} in its state directory)
   */
  public static AwsTarget local(
      int port,
      @Nullable String gateway,
      String region,
      String account,
      software.amazon.awssdk.auth.credentials.AwsCredentials rootKey) {
    return new AwsTarget(
        true,
        URI.create("http://127.0.0.1:" + port),
        gateway == null ? null : URI.create("http://" + gateway + ":" + port),
        region,
        account,
        StaticCredentialsProvider.create(rootKey),
        Map.of());
  }

  /** The same AWS, signed with other credentials (a build's session). */
  public AwsTarget withCredentials(AwsCredentialsProvider other) {
    return new AwsTarget(
        local, endpoint, buildEndpoint, region, accountId, other, serviceEndpoints);
  }

  /**
   * Real AWS with the default credentials chain, or a profile's.
   *
   * @param endpoints {@code URL} for every service, {@code SERVICE=URL} for one (--aws-endpoint)
   */
  public static AwsTarget aws(
      @Nullable String profile, String region, List<String> endpoints, String account) {
    AwsCredentialsProvider creds =
        profile == null
            ? DefaultCredentialsProvider.builder().build()
            : ProfileCredentialsProvider.create(profile);
    URI all = null;
    Map<String, URI> services = new LinkedHashMap<>();
    for (String e : endpoints) {
      int eq = e.indexOf('=');
      if (eq > 0 && !e.substring(0, eq).contains(":")) {
        services.put(
            e.substring(0, eq).toLowerCase(java.util.Locale.ROOT),
            endpointUri(e.substring(eq + 1)));
      } else {
        all = endpointUri(e);
      }
    }
    return new AwsTarget(false, all, all, region, account, creds, services);
  }

  private static URI endpointUri(String text) {
    URI u = URI.create(text);
    if (u.getScheme() == null || u.getHost() == null) {
      throw new IllegalArgumentException(
          "--aws-endpoint " + text + ": expected a URL such as http://localhost:4566");
    }
    return u;
  }

  /** The variables that point a build's AWS CLI and SDKs at the same endpoints. */
  public Map<String, String> buildEndpointVariables() {
    Map<String, String> vars = new LinkedHashMap<>();
    if (buildEndpoint != null) {
      vars.put("AWS_ENDPOINT_URL", buildEndpoint.toString());
    }
    serviceEndpoints.forEach((service, uri) ->
        vars.put("AWS_ENDPOINT_URL_" + service.toUpperCase(java.util.Locale.ROOT), uri.toString()));
    return vars;
  }
}
