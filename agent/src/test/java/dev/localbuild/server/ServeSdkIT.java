package dev.localbuild.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.KeyStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.CodeBuildException;
import software.amazon.awssdk.services.codebuild.model.ComputeType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.ResourceNotFoundException;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StatusType;

/** The server through the AWS SDK for Java v2, as a team's own tools would call it. */
@Timeout(300)
class ServeSdkIT {
  @TempDir Path data;

  @Test
  void theSdksCodeBuildAndLogsClientsRunABuildAndReadItsLog() throws Exception {
    try (BuildServer server =
        BuildServer.start(
            new BuildServer.Config("127.0.0.1", 0, data, null, 2, "eu-west-1"), m -> {})) {
      KeyStore.Issued key;
      try (Database db = Database.open(data, null)) {
        key = new KeyStore(db, data, BuildServer.ACCOUNT).create();
      }
      var credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
      URI endpoint = URI.create("http://127.0.0.1:" + server.port());
      try (CodeBuildClient codebuild =
              CodeBuildClient.builder()
                  .endpointOverride(endpoint)
                  .region(Region.EU_WEST_1)
                  .credentialsProvider(credentials)
                  .httpClient(UrlConnectionHttpClient.create())
                  .build();
          CloudWatchLogsClient logs =
              CloudWatchLogsClient.builder()
                  .endpointOverride(endpoint)
                  .region(Region.EU_WEST_1)
                  .credentialsProvider(credentials)
                  .httpClient(UrlConnectionHttpClient.create())
                  .build()) {
        codebuild.createProject(p ->
            p.name("sdk")
                .source(s ->
                    s.type(SourceType.NO_SOURCE)
                        .buildspec(
                            "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"from $WHO\"\n"))
                .artifacts(a -> a.type(ArtifactsType.NO_ARTIFACTS))
                .environment(e ->
                    e.type(EnvironmentType.LINUX_CONTAINER)
                        .image("debian:bookworm")
                        .computeType(ComputeType.BUILD_GENERAL1_SMALL))
                .serviceRole("localbuild-build"));
        Build started =
            codebuild
                .startBuild(b ->
                    b.projectName("sdk")
                        .environmentVariablesOverride(v ->
                            v.name("WHO").value("the sdk").type(EnvironmentVariableType.PLAINTEXT)))
                .build();
        assertThat(started.buildStatus()).isEqualTo(StatusType.IN_PROGRESS);
        assertThat(started.startTime()).isNotNull();
        Build done = started;
        for (int i = 0; i < 600 && !Boolean.TRUE.equals(done.buildComplete()); i++) {
          TimeUnit.MILLISECONDS.sleep(250);
          done = codebuild.batchGetBuilds(b -> b.ids(started.id())).builds().getFirst();
        }
        assertThat(done.buildStatus()).as(done.toString()).isEqualTo(StatusType.SUCCEEDED);
        assertThat(done.endTime()).isAfterOrEqualTo(done.startTime());
        assertThat(done.phases()).hasSizeGreaterThan(5);
        Build finished = done;
        var events =
            logs.getLogEvents(g ->
                    g.logGroupName(finished.logs().groupName())
                        .logStreamName(finished.logs().streamName())
                        .startFromHead(true))
                .events();
        assertThat(events).extracting(OutputLogEvent::message).contains("from the sdk");
        assertThatThrownBy(() -> codebuild.startBuild(b -> b.projectName("nope")))
            .isInstanceOf(ResourceNotFoundException.class)
            .hasMessageContaining("Project cannot be found");
        assertThatThrownBy(
                () -> codebuild.startBuild(b -> b.projectName("sdk").timeoutInMinutesOverride(1)))
            .isInstanceOf(CodeBuildException.class)
            .hasMessageContaining("between 5 and 2160");
      }
    }
  }
}
