package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Nobody without a key gets in: unsigned and wrongly signed requests to every service are refused
 * in each protocol's own words, from this machine (the AWS CLI) and from a container on the Docker
 * bridge (the reproduction of issue 7); sessions of a role are held to the role's policy, down to
 * {@code docker push}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalAwsAuthIT {
  @TempDir static Path tmp;
  static LocalAwsFixture aws;

  @BeforeAll
  static void start() throws Exception {
    aws = new LocalAwsFixture(tmp.resolve("aws"));
    Files.writeString(
        tmp.resolve("aws/parameters.json"),
        "{\"parameters\": {}, \"secrets\": {\"NAME\": \"the-secret-value\"}}");
    assertThat(aws.aws("s3api", "create-bucket", "--bucket", "auth-bucket").exit()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    aws.close();
  }

  /** One read-only call of each service. */
  static final List<List<String>> CALLS =
      List.of(
          List.of("ssm", "get-parameter", "--name", "/x"),
          List.of("secretsmanager", "get-secret-value", "--secret-id", "NAME"),
          List.of("ecr", "describe-repositories"),
          List.of("ecs", "list-clusters"),
          List.of("sts", "get-caller-identity"),
          List.of("s3api", "list-objects-v2", "--bucket", "auth-bucket"));

  @Test
  void unsignedRequestsAreRefusedByEveryService() throws Exception {
    List<String> errors = new ArrayList<>();
    for (List<String> call : CALLS) {
      LocalAwsFixture.Cli r = aws.unsigned(call.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", call, r.out()).isNotZero();
      errors.add(r.err().strip());
    }
    assertThat(errors.get(0)).contains("(MissingAuthenticationTokenException)");
    assertThat(errors.get(1)).contains("(MissingAuthenticationTokenException)");
    assertThat(errors.get(2)).contains("(MissingAuthenticationTokenException)");
    assertThat(errors.get(3)).contains("(MissingAuthenticationTokenException)");
    assertThat(errors.get(4)).contains("(MissingAuthenticationToken)");
    assertThat(errors.get(5)).contains("(AccessDenied)");
  }

  @Test
  void wronglySignedRequestsAreRefusedByEveryService() throws Exception {
    AwsBasicCredentials wrong =
        AwsBasicCredentials.create(aws.rootKey().accessKeyId(), "not-the-secret");
    List<String> errors = new ArrayList<>();
    for (List<String> call : CALLS) {
      LocalAwsFixture.Cli r =
          LocalAwsFixture.cli(aws.server().endpoint(), wrong, call.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", call, r.out()).isNotZero();
      errors.add(r.err().strip());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(errors.get(i)).as(CALLS.get(i).toString()).contains("(InvalidSignatureException)");
    }
    assertThat(errors.get(4)).contains("(SignatureDoesNotMatch)");
    assertThat(errors.get(5)).contains("(SignatureDoesNotMatch)");
    LocalAwsFixture.Cli unknown =
        LocalAwsFixture.cli(
            aws.server().endpoint(),
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "x"),
            "ssm",
            "get-parameter",
            "--name",
            "/x");
    assertThat(unknown.err()).contains("(UnrecognizedClientException)");
  }

  @Test
  void aContainerOnTheBridgeCannotReadASecretUnsigned() throws Exception {
    String gateway = aws.server().gateway();
    assertThat(gateway).as("this engine's bridge gateway").isNotNull();
    // issue 7's reproduction: before, this printed the secret
    String out =
        inContainer(
            "wget -q -O- --header 'X-Amz-Target: secretsmanager.GetSecretValue'"
                + " --header 'Content-Type: application/x-amz-json-1.1'"
                + " --post-data '{\"SecretId\":\"NAME\"}' http://"
                + gateway
                + ":"
                + aws.server().port()
                + "/ 2>&1; echo EXIT=$?");
    assertThat(out)
        .doesNotContain("the-secret-value")
        .contains("400 Bad Request")
        .contains("EXIT=1");
    // nor can it reach the registry behind the local ECR: it is on a network of its own
    String registryIp =
        aws.docker()
            .inspectContainerCmd(
                RegistryBackend.container(LocalAwsProcess.instance(tmp.resolve("aws"))))
            .exec()
            .getNetworkSettings()
            .getNetworks()
            .values()
            .iterator()
            .next()
            .getIpAddress();
    String direct =
        inContainer(
            "wget -q -T 3 -O- http://" + registryIp + ":5000/v2/_catalog 2>&1; echo EXIT=$?");
    assertThat(direct)
        .as("the registry from the bridge")
        .contains("EXIT=1")
        .doesNotContain("repositories");
  }

  /** A body the server must hold whole before the signature can be checked is bounded. */
  @Test
  void anOversizedApiBodyIsRefusedBeforeItIsRead() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", aws.server().port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSSM.GetParameter\r\n"
                      + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000000000\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
    }
  }

  @Test
  void aPresignedUrlWorksUntilTamperedWith() throws Exception {
    Path f = Files.writeString(tmp.resolve("obj.txt"), "presigned content");
    assertThat(aws.aws("s3", "cp", f.toString(), "s3://auth-bucket/p/obj.txt").exit()).isZero();
    String url =
        aws.aws("s3", "presign", "s3://auth-bucket/p/obj.txt", "--expires-in", "60").out().strip();
    HttpClient http = HttpClient.newHttpClient();
    var ok =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as("%s: %s", url, ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("presigned content");
    var other =
        http.send(
            HttpRequest.newBuilder(URI.create(url.replace("/p/obj.txt", "/p/other.txt"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("<Code>SignatureDoesNotMatch</Code>");
  }

  @Test
  void apiSemanticsOfParametersAndSecrets() throws Exception {
    assertThat(
            aws.aws(
                    "ssm",
                    "put-parameter",
                    "--name",
                    "/sem/p",
                    "--value",
                    "v1",
                    "--type",
                    "SecureString")
                .exit())
        .isZero();
    LocalAwsFixture.Cli again =
        aws.aws("ssm", "put-parameter", "--name", "/sem/p", "--value", "v2");
    assertThat(again.err()).contains("(ParameterAlreadyExists)");
    JsonNode v2 =
        aws.aws(
                "ssm",
                "put-parameter",
                "--name",
                "/sem/p",
                "--value",
                "v2",
                "--type",
                "SecureString",
                "--overwrite")
            .json();
    assertThat(v2.path("Version").asInt()).isEqualTo(2);
    JsonNode encrypted =
        aws.aws("ssm", "get-parameter", "--name", "/sem/p").json().path("Parameter");
    assertThat(encrypted.path("Value").asText()).isNotEqualTo("v2").startsWith("AQICAH");
    JsonNode plain =
        aws.aws("ssm", "get-parameter", "--name", "/sem/p", "--with-decryption")
            .json()
            .path("Parameter");
    assertThat(plain.path("Value").asText()).isEqualTo("v2");
    JsonNode later =
        aws.aws("ssm", "get-parameter", "--name", "/sem/p", "--with-decryption")
            .json()
            .path("Parameter");
    assertThat(later.path("LastModifiedDate").asText())
        .isEqualTo(plain.path("LastModifiedDate").asText());
    assertThat(
            aws.aws("secretsmanager", "create-secret", "--name", "sem-s", "--secret-string", "x")
                .exit())
        .isZero();
    assertThat(
            aws.aws("secretsmanager", "create-secret", "--name", "sem-s", "--secret-string", "y")
                .err())
        .contains("(ResourceExistsException)");
  }

  @Test
  void aRoleWithoutPutImageCannotPushAndGetsAwsMessage() throws Exception {
    Files.createDirectories(tmp.resolve("aws/iam"));
    Files.writeString(
        tmp.resolve("aws/iam/codebuild-push.json"),
        """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:DescribeRepositories"], "Resource": "*"},
          {"Effect": "Allow",
           "Action": ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
                      "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchGetImage"],
           "Resource": "arn:aws:ecr:us-east-1:000000000000:repository/*"}]}
        """);
    assertThat(aws.aws("ecr", "create-repository", "--repository-name", "pushed").exit()).isZero();
    JsonNode c =
        aws.aws(
                "sts",
                "assume-role",
                "--role-arn",
                "arn:aws:iam::000000000000:role/codebuild-push",
                "--role-session-name",
                "AWSCodeBuild-test")
            .json()
            .path("Credentials");
    AwsSessionCredentials session =
        AwsSessionCredentials.create(
            c.path("AccessKeyId").asText(),
            c.path("SecretAccessKey").asText(),
            c.path("SessionToken").asText());
    String endpoint = aws.server().endpoint();
    // the role may describe, but not read secrets: AWS's AccessDeniedException, with the principal
    LocalAwsFixture.Cli secret =
        LocalAwsFixture.cli(
            endpoint, session, "secretsmanager", "get-secret-value", "--secret-id", "NAME");
    assertThat(secret.err())
        .contains("(AccessDeniedException)")
        .contains(
            "User: arn:aws:sts::000000000000:assumed-role/codebuild-push/AWSCodeBuild-test is not"
                + " authorized to perform: secretsmanager:GetSecretValue on resource:");
    String password =
        LocalAwsFixture.cli(endpoint, session, "ecr", "get-login-password").out().strip();
    String registry = "127.0.0.1:" + aws.server().port();
    Path config = Files.createDirectories(tmp.resolve("docker-config"));
    assertThat(docker(config, password, "login", "-u", "AWS", "--password-stdin", registry))
        .contains("Login Succeeded");
    docker(config, null, "tag", "busybox:latest", registry + "/pushed:v1");
    try {
      String push = docker(config, null, "push", registry + "/pushed:v1");
      assertThat(push)
          .contains(
              "denied: User: arn:aws:sts::000000000000:assumed-role/codebuild-push/AWSCodeBuild-test"
                  + " is not authorized to perform: ecr:PutImage on resource:"
                  + " arn:aws:ecr:us-east-1:000000000000:repository/pushed because no identity-based"
                  + " policy allows the ecr:PutImage action");
      // the same push with the root's login goes through
      String root = aws.aws("ecr", "get-login-password").out().strip();
      docker(config, root, "login", "-u", "AWS", "--password-stdin", registry);
      assertThat(docker(config, null, "push", registry + "/pushed:v1")).contains("v1: digest:");
    } finally {
      docker(config, null, "rmi", registry + "/pushed:v1");
    }
  }

  /** A script in a busybox container on Docker's default bridge, as any build's container is. */
  static String inContainer(String script) throws Exception {
    Process p =
        new ProcessBuilder(
                "docker",
                "run",
                "--rm",
                "--label",
                "dev.localbuild.test=LocalAwsAuthIT",
                "busybox:latest",
                "sh",
                "-c",
                script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return out;
  }

  /** The docker CLI with its own config directory (no login lands in the user's). */
  static String docker(Path config, String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker", "--config", config.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes());
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return out;
  }
}
