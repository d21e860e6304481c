package dev.localbuild.agent.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * An AWS JSON 1.1 API called with its own JSON ({@code X-Amz-Target}), SigV4-signed by the SDK's
 * signer: for answers wanted in the service's own shape (a build to run again as it ran, the local
 * AWS's own operations), which the SDK's typed models would have to be turned back into.
 */
public final class SignedJsonClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI endpoint;
  private final String region;
  private final String signingName;
  private final AwsCredentialsProvider credentials;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** An answer other than 200: the service's error type and message. */
  public static final class CallException extends IOException {
    private final String type;
    private final int status;

    CallException(String type, String message, int status) {
      super(type + ": " + message);
      this.type = type;
      this.status = status;
    }

    public String type() {
      return type;
    }

    public int status() {
      return status;
    }
  }

  public SignedJsonClient(
      URI endpoint, String region, String signingName, AwsCredentialsProvider credentials) {
    this.endpoint = endpoint;
    this.region = region;
    this.signingName = signingName;
    this.credentials = credentials;
  }

  /** Calls {@code target} (e.g. {@code CodeBuild_20161006.BatchGetBuilds}) with the body. */
  public JsonNode call(String target, String body) throws IOException {
    URI uri = endpoint.resolve("/");
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(uri)
            .putHeader("Host", host)
            .putHeader("X-Amz-Target", target)
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .build();
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(b ->
                b.identity(credentials.resolveIdentity().join())
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromUtf8String(body))
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName))
            .request();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    // Host is the HTTP client's to set; it was signed as the client will send it
    signed
        .headers()
        .forEach((k, v) -> {
          if (!k.equalsIgnoreCase("Host")) {
            v.forEach(value -> request.header(k, value));
          }
        });
    HttpResponse<String> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode n;
    try {
      n = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new CallException(
          "HTTP " + r.statusCode(), "not a JSON answer from " + uri, r.statusCode());
    }
    if (r.statusCode() != 200) {
      String type = n.path("__type").asText("HTTP " + r.statusCode());
      throw new CallException(
          type.substring(type.indexOf('#') + 1),
          n.path("message").asText(n.path("Message").asText("")),
          r.statusCode());
    }
    return n;
  }
}
