package dev.localbuild.server.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import org.junit.jupiter.api.Test;

/** StartBuild's overrides of project settings replace the project's, for that build only. */
class ProjectOverridesTest {
  static ObjectNode json(String s) throws Exception {
    return (ObjectNode) RecordJson.MAPPER.readTree(s);
  }

  static final String PROJECT =
      """
      {"name": "web",
       "source": {"type": "GITHUB", "location": "https://github.com/o/web.git", "gitCloneDepth": 1},
       "artifacts": {"type": "S3", "location": "bucket"},
       "cache": {"type": "S3", "location": "bucket/cache"},
       "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm",
                       "computeType": "BUILD_GENERAL1_SMALL"},
       "serviceRole": "arn:aws:iam::000000000000:role/a"}
      """;

  @Test
  void overridesReplaceTheProjectsMembersAndLeaveTheStoredProjectAlone() throws Exception {
    ObjectNode project = json(PROJECT);
    ObjectNode effective =
        ProjectOverrides.apply(
            project,
            json(
                """
                {"projectName": "web",
                 "sourceLocationOverride": "/srv/git/web", "gitCloneDepthOverride": 0,
                 "artifactsOverride": {"type": "NO_ARTIFACTS"},
                 "cacheOverride": {"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE"]},
                 "computeTypeOverride": "BUILD_GENERAL1_LARGE",
                 "serviceRoleOverride": "arn:aws:iam::000000000000:role/b"}
                """));
    assertThat(effective.at("/source/location").asText()).isEqualTo("/srv/git/web");
    assertThat(effective.at("/source/type").asText()).isEqualTo("GITHUB");
    assertThat(effective.at("/source/gitCloneDepth").asInt()).isZero();
    assertThat(effective.at("/artifacts").toString()).isEqualTo("{\"type\":\"NO_ARTIFACTS\"}");
    assertThat(effective.at("/cache/type").asText()).isEqualTo("LOCAL");
    assertThat(effective.at("/environment/computeType").asText()).isEqualTo("BUILD_GENERAL1_LARGE");
    assertThat(effective.at("/environment/image").asText()).isEqualTo("debian:bookworm");
    assertThat(effective.path("serviceRole").asText()).endsWith("role/b");
    assertThat(project).isEqualTo(json(PROJECT));
  }

  @Test
  void withoutOverridesTheProjectIsAsStored() throws Exception {
    assertThat(ProjectOverrides.apply(json(PROJECT), json("{\"projectName\": \"web\"}")))
        .isEqualTo(json(PROJECT));
  }
}
