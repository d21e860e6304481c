package dev.localbuild.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.record.RecordJson;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Each host's status request, as its API documentation gives it. */
class CommitStatusTest {
  static final String LINK = "http://ci.example:4591/ui/#/builds/web%3A1";

  static final String SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

  @Test
  void gitHubStatuses() throws Exception {
    CommitStatus s =
        CommitStatus.of(
            "GITHUB",
            CommitStatus.api("GITHUB", "https://github.com/team/app.git", null),
            "team/app",
            SHA,
            "IN_PROGRESS",
            "web",
            "eu-west-1",
            "web:1234",
            null,
            "ghp_x",
            LINK);
    assertThat(s.uri())
        .isEqualTo(URI.create("https://api.github.com/repos/team/app/statuses/" + SHA));
    assertThat(s.headers()).containsEntry("Authorization", "token ghp_x");
    var body = RecordJson.MAPPER.readTree(s.body());
    assertThat(body.path("state").asText()).isEqualTo("pending");
    assertThat(body.path("context").asText()).isEqualTo("AWS CodeBuild eu-west-1 (web)");
    assertThat(body.path("description").asText()).isEqualTo("Build web:1234 is in progress");
    assertThat(CommitStatus.state("GITHUB", "SUCCEEDED")).isEqualTo("success");
    assertThat(CommitStatus.state("GITHUB", "FAILED")).isEqualTo("failure");
    assertThat(CommitStatus.state("GITHUB", "FAULT")).isEqualTo("error");
    assertThat(CommitStatus.api("GITHUB_ENTERPRISE", "https://git.corp/team/app.git", null))
        .isEqualTo(URI.create("https://git.corp/api/v3"));
  }

  @Test
  void gitLabCommitStatuses() throws Exception {
    CommitStatus s =
        CommitStatus.of(
            "GITLAB",
            CommitStatus.api("GITLAB", "https://gitlab.com/group/sub/app.git", null),
            CommitStatus.repository("https://gitlab.com/group/sub/app.git").orElseThrow(),
            SHA,
            "STOPPED",
            "web",
            "eu-west-1",
            "web:1",
            null,
            "glpat-x",
            LINK);
    assertThat(s.uri())
        .isEqualTo(
            URI.create("https://gitlab.com/api/v4/projects/group%2Fsub%2Fapp/statuses/" + SHA));
    assertThat(s.headers()).containsEntry("PRIVATE-TOKEN", "glpat-x");
    var body = RecordJson.MAPPER.readTree(s.body());
    assertThat(body.path("state").asText()).isEqualTo("canceled");
    assertThat(body.path("target_url").asText()).isEqualTo(LINK);
    assertThat(body.path("name").asText()).isEqualTo("AWS CodeBuild eu-west-1 (web)");
  }

  @Test
  void bitbucketBuildStatuses() throws Exception {
    CommitStatus s =
        CommitStatus.of(
            "BITBUCKET",
            CommitStatus.api("BITBUCKET", "https://bitbucket.org/ws/app.git", null),
            "ws/app",
            SHA,
            "SUCCEEDED",
            "web",
            "eu-west-1",
            "web:1",
            "bot",
            "app-password",
            LINK);
    assertThat(s.uri())
        .isEqualTo(
            URI.create(
                "https://api.bitbucket.org/2.0/repositories/ws/app/commit/"
                    + SHA
                    + "/statuses/build"));
    assertThat(s.headers()).containsEntry("Authorization", "Basic Ym90OmFwcC1wYXNzd29yZA==");
    var body = RecordJson.MAPPER.readTree(s.body());
    assertThat(body.path("state").asText()).isEqualTo("SUCCESSFUL");
    assertThat(body.path("key").asText()).isEqualTo("CodeBuild-web");
    assertThat(body.path("url").asText()).isEqualTo(LINK); // Bitbucket requires it
  }

  @Test
  void repositoriesFromCloneUrls() {
    assertThat(CommitStatus.repository("https://github.com/team/app.git")).contains("team/app");
    assertThat(CommitStatus.repository("https://github.com/team/app")).contains("team/app");
    assertThat(CommitStatus.repository("https://github.com/")).isEmpty();
  }
}
