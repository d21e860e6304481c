package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.localaws.LocalAwsFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds that use AWS, against the local AWS the run starts on its own: Parameter Store and Secrets
 * Manager references in the buildspec and in the project (resolved in DOWNLOAD_SOURCE, masked in
 * every line, a failure is CodeBuild's "Decrypted Variables Error"), and credentials served to the
 * build by a container credentials endpoint, never as keys in its environment. The parameters are
 * what a user writes in {@code $LOCALBUILD_HOME/aws/parameters.json}.
 */
class AwsBuildIT {
  static final String DB_PASSWORD = "s3cr3t-db-pass";
  static final String HUB_PASSWORD = "hub-pass-123";
  static final String PLAIN_SECRET = "the-whole-plain-secret";
  static final String PROJECT_TOKEN = "project-token-4242";

  @TempDir static Path shared;
  static Path home;
  @TempDir Path tmp;
  Path src;

  @BeforeAll
  static void parameters() throws IOException {
    home = Files.createDirectories(shared.resolve("home"));
    Path aws = Files.createDirectories(home.resolve("aws"));
    Files.writeString(
        aws.resolve("parameters.json"),
        """
        {
          "parameters": {
            "/CodeBuild/db-password": {"value": "%s", "type": "SecureString"},
            "/CodeBuild/project-token": "%s"
          },
          "secrets": {
            "dockerhub": "{\\"username\\":\\"hubuser\\",\\"password\\":\\"%s\\"}",
            "plain": "%s"
          }
        }
        """
            .formatted(DB_PASSWORD, PROJECT_TOKEN, HUB_PASSWORD, PLAIN_SECRET));
  }

  @AfterAll
  static void stopLocalAws() throws Exception {
    assertThat(LocalbuildProcess.start(shared, home, "aws", "stop", "--purge").waitFor()).isZero();
  }

  @BeforeEach
  void source() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
  }

  record Run(int exit, String out, String err, JsonNode record) {
    Map<String, String> phases() {
      Map<String, String> m = new LinkedHashMap<>();
      record
          .path("phases")
          .forEach(p -> m.put(p.path("phaseType").asText(), p.path("phaseStatus").asText()));
      return m;
    }

    JsonNode phase(String type) {
      for (JsonNode p : record.path("phases")) {
        if (p.path("phaseType").asText().equals(type)) {
          return p;
        }
      }
      throw new AssertionError("no phase " + type);
    }
  }

  Run run(String buildspec, String... args) throws Exception {
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    List<String> all = new ArrayList<>(List.of("run", "--json", tmp.resolve("r.json").toString()));
    all.addAll(List.of(args));
    LocalbuildProcess p = LocalbuildProcess.start(src, home, all.toArray(String[]::new));
    int exit = p.waitFor();
    return new Run(
        exit, p.out(), p.err(), RecordJson.MAPPER.readTree(tmp.resolve("r.json").toFile()));
  }

  @Test
  void parametersAndSecretsAreResolvedAndMaskedInEveryLine() throws Exception {
    Files.writeString(
        src.resolve("project.json"),
        """
        {"name": "secrets",
         "environment": {"environmentVariables": [
           {"name": "PROJECT_TOKEN", "value": "/CodeBuild/project-token", "type": "PARAMETER_STORE"},
           {"name": "PROJECT_SECRET", "value": "plain", "type": "SECRETS_MANAGER"}]}}
        """);
    Run r =
        run(
            """
            version: 0.2
            env:
              parameter-store:
                DB_PASSWORD: /CodeBuild/db-password
              secrets-manager:
                HUB_USER: dockerhub:username
                HUB_PASS: dockerhub:password
                WHOLE: plain
            phases:
              build:
                commands:
                  - echo "db $DB_PASSWORD hub $HUB_USER/$HUB_PASS whole $WHOLE"
                  - echo "project $PROJECT_TOKEN $PROJECT_SECRET" >&2
                  - test "$DB_PASSWORD" = "%s" && echo PARAMETER_RESOLVED
                  - test "$HUB_PASS" = "%s" && test "$WHOLE" = "%s" && echo SECRETS_RESOLVED
                  - test "$PROJECT_TOKEN" = "%s" && echo PROJECT_RESOLVED
            """
                .formatted(DB_PASSWORD, HUB_PASSWORD, PLAIN_SECRET, PROJECT_TOKEN),
            "-i",
            "busybox:latest",
            "--project",
            src.resolve("project.json").toString());
    assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    assertThat(r.out())
        .contains("Decrypting parameter store environment variables")
        // every secrets-manager value is masked, the user name included, as CodeBuild does
        .contains("db *** hub ***/*** whole ***")
        .contains("project *** ***")
        .contains("PARAMETER_RESOLVED", "SECRETS_RESOLVED", "PROJECT_RESOLVED");
    String everything = r.out() + r.err() + r.record().toString();
    for (String secret : List.of(DB_PASSWORD, HUB_PASSWORD, PLAIN_SECRET, PROJECT_TOKEN)) {
      assertThat(everything).as("the log and record").doesNotContain(secret);
    }
    // the build record names the parameters, as batch-get-builds does, never their values
    assertThat(r.record().toString()).contains("/CodeBuild/project-token");
  }

  @Test
  void aMissingParameterFailsDownloadSourceWithDecryptedVariablesError() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            env:
              parameter-store:
                TOKEN: /CodeBuild/not-there
            phases:
              build:
                commands:
                  - echo should not run
            """,
            "-i",
            "busybox:latest");
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.phases()).containsEntry("DOWNLOAD_SOURCE", "FAILED").doesNotContainKey("BUILD");
    JsonNode context = r.phase("DOWNLOAD_SOURCE").path("contexts").get(0);
    assertThat(context.path("statusCode").asText()).isEqualTo("Decrypted Variables Error");
    assertThat(context.path("message").asText())
        .isEqualTo("parameter does not exist: /CodeBuild/not-there");
    assertThat(r.out()).doesNotContain("should not run");
    // and the user is told how to give the local AWS the parameter
    assertThat(r.err())
        .contains("the local AWS has no parameter /CodeBuild/not-there: add it to ")
        .contains("parameters.json")
        .contains("ssm put-parameter --name /CodeBuild/not-there --type SecureString");
  }

  @Test
  void aMissingSecretFailsWithSecretsManagersError() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            env:
              secrets-manager:
                PASS: nosuchsecret:password
            phases:
              build:
                commands:
                  - echo should not run
            """,
            "-i",
            "busybox:latest");
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
    JsonNode context = r.phase("DOWNLOAD_SOURCE").path("contexts").get(0);
    assertThat(context.path("statusCode").asText()).isEqualTo("Decrypted Variables Error");
    assertThat(context.path("message").asText()).startsWith("ResourceNotFoundException: ");
  }

  /** The build's AWS CLI finds its credentials and the endpoint on its own, as in CodeBuild. */
  @Test
  void theBuildGetsCredentialsFromAnEndpointNotFromKeysInItsEnvironment() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - test -n "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" && echo RELATIVE_URI_SET
                  - test -z "$AWS_SECRET_ACCESS_KEY" && test -z "$AWS_ACCESS_KEY_ID" && echo NO_KEYS
                  - echo "account $(aws sts get-caller-identity --query Account --output text)"
                  - aws ssm get-parameter --name /CodeBuild/project-token --query Parameter.Value --output text
            """,
            "-i",
            "localbuild/standard:latest");
    assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    assertThat(r.out())
        .contains("RELATIVE_URI_SET", "NO_KEYS", "account 000000000000")
        // read with the build's credentials; not masked, as the build did not declare it a secret
        .contains(PROJECT_TOKEN);
  }

  /**
   * This machine's AWS CLI (2.9) predates {@code AWS_ENDPOINT_URL} (2.13), hence the explicit
   * {@code --endpoint-url}; the standard image's CLI has a wrapper that honours it.
   */
  @Test
  void onTheHostTheCredentialsComeFromAFullUri() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - test -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI" && echo FULL_URI_SET
                  - test -z "$AWS_SECRET_ACCESS_KEY" && echo NO_KEYS
                  - echo "account $(aws --endpoint-url $AWS_ENDPOINT_URL sts get-caller-identity --query Account --output text)"
            """,
            "--executor",
            "host");
    assertThat(r.exit()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    assertThat(r.out()).contains("FULL_URI_SET", "NO_KEYS", "account 000000000000");
  }

  /**
   * A project whose artifacts and cache are in S3: the primary artifact is a zip under {@code
   * path/<build id>/name}, the secondary one a folder of files (packaging NONE), every object with
   * the build's ARN in {@code codebuild-buildarn}; the cache comes back from S3 in the next build.
   * The local AWS creates the buckets the project names.
   */
  @Test
  void artifactsAndCacheGoToTheProjectsBuckets() throws Exception {
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "s3-project",
         "artifacts": {"type": "S3", "location": "artifact-bucket", "path": "builds",
                       "namespaceType": "BUILD_ID", "name": "app.zip", "packaging": "ZIP"},
         "secondaryArtifacts": [{"type": "S3", "location": "artifact-bucket", "path": "docs",
                       "name": "site", "packaging": "NONE", "artifactIdentifier": "docs"}],
         "cache": {"type": "S3", "location": "cache-bucket/ci"}}
        """);
    String buildspec =
        """
        version: 0.2
        phases:
          build:
            commands:
              - if [ -f deps/marker ]; then echo CACHE_HIT; else echo CACHE_MISS; fi
              - mkdir -p deps site && echo x > deps/marker
              - echo hello > app.txt && echo '<h1>docs</h1>' > site/index.html
        artifacts:
          files: [app.txt]
          secondary-artifacts:
            docs:
              base-directory: site
              files: ['**/*']
        cache:
          paths: ['deps/**/*']
        """;
    Run first = run(buildspec, "-i", "busybox:latest", "--project", project.toString());
    assertThat(first.exit()).as("stdout:%n%s%nstderr:%n%s", first.out(), first.err()).isZero();
    assertThat(first.out()).contains("CACHE_MISS");
    String uuid = first.record().path("id").asText().split(":", 2)[1];
    String zipKey = "builds/" + uuid + "/app.zip";
    assertThat(first.record().at("/artifacts/location").asText())
        .isEqualTo("arn:aws:s3:::artifact-bucket/" + zipKey);
    assertThat(first.record().at("/secondaryArtifacts/0/location").asText())
        .isEqualTo("arn:aws:s3:::artifact-bucket/docs/site");

    JsonNode zip = cli("s3api", "head-object", "--bucket", "artifact-bucket", "--key", zipKey);
    assertThat(zip.path("ContentType").asText()).isEqualTo("application/zip");
    assertThat(zip.at("/Metadata/codebuild-buildarn").asText())
        .isEqualTo(first.record().path("arn").asText());
    JsonNode page =
        cli("s3api", "head-object", "--bucket", "artifact-bucket", "--key", "docs/site/index.html");
    assertThat(page.at("/Metadata/codebuild-buildarn").asText())
        .isEqualTo(first.record().path("arn").asText());
    // the cache is under the location's prefix, then the project (its namespace)
    assertThat(
            cli("s3api", "list-objects-v2", "--bucket", "cache-bucket", "--prefix", "ci/")
                .at("/Contents/0/Key")
                .asText())
        .startsWith("ci/s3-project/");

    Run second = run(buildspec, "-i", "busybox:latest", "--project", project.toString());
    assertThat(second.exit()).isZero();
    assertThat(second.out()).contains("CACHE_HIT");
  }

  /**
   * With -c the agent uses the default credentials chain (here: keys in its environment) and an
   * endpoint override (here the local AWS stands in for an account or a LocalStack): it asks STS
   * for the account, creates the ECR repository the build pushes to, and serves the keys to the
   * build from its credentials endpoint, masked wherever the build prints them.
   */
  @Test
  void withDashCYourCredentialsReachTheBuildOnlyThroughTheEndpoint() throws Exception {
    LocalbuildProcess start = LocalbuildProcess.start(shared, home, "aws", "start");
    assertThat(start.waitFor()).isZero();
    String endpoint = start.out().strip();
    // "your account" is the local AWS here: its root key stands in for your keys
    var yours = dev.localbuild.localaws.LocalAwsProcess.rootKey(home.resolve("aws"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        """
        version: 0.2
        phases:
          build:
            commands:
              - echo "endpoint $AWS_ENDPOINT_URL"
              - echo "account $(aws sts get-caller-identity --query Account --output text)"
              - aws ecr describe-repositories --repository-names dash-c-repo --query 'repositories[0].repositoryName' --output text
              - wget -qO- "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; echo
              - test -z "$AWS_SECRET_ACCESS_KEY" && test -z "$AWS_PROFILE" && echo NO_KEYS
        """);
    LocalbuildProcess p =
        LocalbuildProcess.start(
            src,
            home,
            Map.of(
                "AWS_ACCESS_KEY_ID",
                yours.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY",
                yours.secretAccessKey(),
                "AWS_CONFIG_FILE",
                "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE",
                "/dev/null"),
            "run",
            "-i",
            "localbuild/standard:latest",
            "-c",
            "--aws-endpoint",
            endpoint,
            "--ecr-repository",
            "dash-c-repo");
    int exit = p.waitFor();
    String out = p.out();
    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, p.err()).isZero();
    assertThat(p.err()).contains("localbuild: created ECR repository ");
    assertThat(out)
        .contains("endpoint " + endpoint.replace("127.0.0.1", "host.docker.internal"))
        .contains("account 000000000000", "dash-c-repo", "NO_KEYS")
        // a session, not the keys: served from the endpoint, masked in the log
        .contains("\"AccessKeyId\":\"***\",\"SecretAccessKey\":\"***\",\"Token\":\"***\"")
        .doesNotContain(yours.accessKeyId(), yours.secretAccessKey());
  }

  /**
   * A stranger's build gets nothing: no credentials endpoint, no secrets (CodeBuild's Decrypted
   * Variables Error), no privileged mode even when asked for.
   */
  @Test
  void anUntrustedBuildGetsNoCredentialsSecretsOrPrivileges() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            env:
              secrets-manager:
                HUB: dockerhub:password
            phases:
              build:
                commands:
                  - echo "never runs"
            """,
            "-i",
            "busybox:latest",
            "--untrusted",
            "-d");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("localbuild: untrusted build: no AWS credentials or secrets, no privileged mode");
    assertThat(r.out()).contains("an untrusted build gets no secrets").doesNotContain(HUB_PASSWORD);
    assertThat(r.phases()).containsEntry("DOWNLOAD_SOURCE", "FAILED");

    Run plain =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - env | grep -c '^AWS_CONTAINER_CREDENTIALS' || echo NO_ENDPOINT
                  - mount -t tmpfs none /mnt && echo PRIVILEGED || echo UNPRIVILEGED
            """,
            "-i",
            "busybox:latest",
            "--untrusted",
            "-d");
    assertThat(plain.exit()).as(plain.err()).isZero();
    assertThat(plain.out()).contains("NO_ENDPOINT", "UNPRIVILEGED").doesNotContain("\nPRIVILEGED");
    assertThat(plain.record().path("environment").path("privilegedMode").asBoolean()).isFalse();
  }

  /**
   * On the host's network the build's credentials come from a loopback endpoint that wants the
   * build's token; nothing is added to this machine's interfaces.
   */
  @Test
  void withHostNetworkingTheEndpointIsTokenProtectedAndLeavesNothingBehind() throws Exception {
    Run r =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "uri $AWS_CONTAINER_CREDENTIALS_FULL_URI"
                  - wget -q -O- "$AWS_CONTAINER_CREDENTIALS_FULL_URI" >/dev/null 2>&1 && echo OPEN || echo REFUSED
                  - aws sts get-caller-identity --query Arn --output text
            """,
            "-i",
            "localbuild/standard:latest",
            "--local-aws",
            "--network",
            "host");
    assertThat(r.exit()).as("%s%n%s", r.out(), r.err()).isZero();
    assertThat(r.out())
        .contains("uri http://127.0.0.1:", "REFUSED")
        .contains("assumed-role/localbuild-build/AWSCodeBuild-");
    Process ip = new ProcessBuilder("ip", "-4", "addr", "show", "dev", "lo").start();
    String lo = new String(ip.getInputStream().readAllBytes());
    ip.waitFor();
    assertThat(lo).doesNotContain("169.254.170.2");
  }

  /**
   * The agent uploads artifacts and reads secrets as the project's service role, as CodeBuild does:
   * a role whose policy denies s3:PutObject fails UPLOAD_ARTIFACTS with AWS's message.
   */
  @Test
  void theServiceRolesPolicyDecidesWhatTheBuildMayDo() throws Exception {
    Files.createDirectories(home.resolve("aws/iam"));
    Files.writeString(
        home.resolve("aws/iam/no-upload.json"),
        """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::locked-bucket/*"}]}
        """);
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "locked", "serviceRole": "arn:aws:iam::000000000000:role/no-upload",
         "artifacts": {"type": "S3", "location": "locked-bucket", "name": "app.zip"}}
        """);
    Run r =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - aws sts get-caller-identity --query Arn --output text
                  - echo hi > app.txt
            artifacts:
              files: [app.txt]
            """,
            "-i",
            "localbuild/standard:latest",
            "--project",
            project.toString());
    assertThat(r.exit()).as("%s%n%s", r.out(), r.err()).isEqualTo(1);
    assertThat(r.out()).contains("assumed-role/no-upload/AWSCodeBuild-");
    assertThat(r.phases())
        .containsEntry("BUILD", "SUCCEEDED")
        .containsEntry("UPLOAD_ARTIFACTS", "FAILED");
    assertThat(r.phase("UPLOAD_ARTIFACTS").at("/contexts/0/message").asText())
        .contains("AccessDenied")
        .contains(
            "is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::locked-bucket/")
        .contains("with an explicit deny in an identity-based policy");
  }

  /** The AWS CLI against the local AWS the builds started. */
  static JsonNode cli(String... args) throws Exception {
    JsonNode server = RecordJson.MAPPER.readTree(home.resolve("aws/server.json").toFile());
    LocalAwsFixture.Cli r =
        LocalAwsFixture.cli(
            "http://127.0.0.1:" + server.path("port").asInt(),
            dev.localbuild.localaws.LocalAwsProcess.rootKey(home.resolve("aws")),
            args);
    assertThat(r.exit()).as("aws %s: %s", List.of(args), r.err()).isZero();
    return r.json();
  }
}
