package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources fetched in DOWNLOAD_SOURCE, as CodeBuild clones them there. */
class SourceFetchTest {
  @TempDir Path tmp;

  @Test
  void aSourceThatCannotBeFetchedFailsDownloadSourceOfABuildThatExists() throws Exception {
    EngineHarness h = new EngineHarness(tmp);
    h.sources =
        (build, log) -> {
          throw new SourceFetcher.SourceException(
              "repository not found for primary source and source version main");
        };
    BuildRecord r = h.run();
    assertThat(r.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(r.id()).startsWith("demo:");
    assertThat(r.phases().stream().map(p -> p.type() + " " + p.status()))
        .containsExactly(
            "SUBMITTED SUCCEEDED",
            "QUEUED SUCCEEDED",
            "PROVISIONING SUCCEEDED",
            "DOWNLOAD_SOURCE FAILED",
            "FINALIZING SUCCEEDED",
            "COMPLETED null");
    PhaseRecord download =
        r.phases().stream().filter(p -> p.type() == PhaseType.DOWNLOAD_SOURCE).findFirst().get();
    assertThat(download.contexts().getFirst().statusCode()).isEqualTo(PhaseContext.CLIENT_ERROR);
    assertThat(download.contexts().getFirst().message())
        .isEqualTo("repository not found for primary source and source version main");
    assertThat(h.agentLines())
        .contains(
            "Phase complete: DOWNLOAD_SOURCE State: FAILED",
            "Phase context status code: CLIENT_ERROR Message: repository not found for primary"
                + " source and source version main");
    assertThat(h.sandboxes).hasSize(1); // provisioned, then removed in FINALIZING
    assertThat(Files.exists(tmp.resolve("box-" + r.id().substring(5)))).isFalse();
  }

  @Test
  void fetchedSourcesAreCopiedInAndTheirBuildspecAndCommitAreUsed() throws Exception {
    EngineHarness h = new EngineHarness(tmp);
    Path fetched = Files.createDirectories(tmp.resolve("fetched"));
    Files.writeString(fetched.resolve("hello.txt"), "from the repository\n");
    Files.writeString(
        fetched.resolve("buildspec.yml"),
        """
        version: 0.2
        phases:
          build:
            commands:
              - cat hello.txt
              - echo "commit $CODEBUILD_RESOLVED_SOURCE_VERSION"
        """);
    String commit = "89abcdef0123456789abcdef0123456789abcdef";
    h.sources =
        (build, log) -> {
          log.accept("fetched the repository");
          return new SourceFetcher.Fetched(
              new SourceInfo(null, "GITHUB", "https://example.com/r.git", "main", commit, null),
              List.of(),
              Map.of("", fetched),
              BuildspecSource.file(fetched.resolve("buildspec.yml"), "buildspec.yml"));
        };
    BuildRecord r = h.run();
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(h.output()).containsExactly("from the repository", "commit " + commit);
    assertThat(r.resolvedSourceVersion()).isEqualTo(commit);
    assertThat(r.source().type()).isEqualTo("GITHUB");
    assertThat(h.agentLines()).contains("fetched the repository");
  }
}
