package dev.localbuild.agent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptBuildsTest {
  @TempDir Path state;
  final Instant now = Instant.parse("2026-12-02T10:00:00Z");

  void kept(String project, long n, Instant start, boolean complete) throws Exception {
    KeptBuilds k = new KeptBuilds(state);
    Path record = k.recordFile(project, n);
    Files.createDirectories(record.getParent());
    Files.writeString(
        record,
        """
        {"id": "%s:uuid-%d", "buildNumber": %d, "buildStatus": "%s", "sourceVersion": "main",
         "startTime": "%s", "endTime": "%s", "buildComplete": %s}
        """
            .formatted(
                project,
                n,
                n,
                complete ? "SUCCEEDED" : "IN_PROGRESS",
                start,
                start.plusSeconds(30),
                complete));
    // a record is last written as its build ends
    Files.setLastModifiedTime(
        record, java.nio.file.attribute.FileTime.from(complete ? start.plusSeconds(30) : start));
    Files.createDirectories(k.logFile(project, n).getParent());
    Files.writeString(k.logFile(project, n), "log " + n + "\n");
    Files.createDirectories(state.resolve("projects").resolve(project).resolve("artifacts/" + n));
  }

  @Test
  void buildsAreFoundByNumberIdOrArnAndListedNewestFirst() throws Exception {
    kept("web", 1, now.minusSeconds(300), true);
    kept("web", 2, now.minusSeconds(200), true);
    kept("api", 1, now.minusSeconds(100), true);
    KeptBuilds k = new KeptBuilds(state);
    assertThat(k.list(null))
        .extracting(b -> b.project() + ":" + b.number())
        .containsExactly("api:1", "web:2", "web:1");
    assertThat(k.list("web")).extracting(KeptBuilds.Kept::number).containsExactly(2L, 1L);
    assertThat(k.find("web:1")).get().extracting(KeptBuilds.Kept::id).isEqualTo("web:uuid-1");
    assertThat(k.find("web:uuid-2")).get().extracting(KeptBuilds.Kept::number).isEqualTo(2L);
    assertThat(k.find("arn:aws:codebuild:us-east-1:000000000000:build/web:uuid-2"))
        .get()
        .extracting(KeptBuilds.Kept::number)
        .isEqualTo(2L);
    assertThat(k.find("web:7")).isEmpty();
    assertThat(k.find("web:1").get().end()).isEqualTo(now.minusSeconds(270));
    assertThatThrownBy(() -> k.find("web")).hasMessageContaining("expected PROJECT:NUMBER");
  }

  @Test
  void pruningKeepsTheNewestAndTheRecentAndNeverARunningBuild() throws Exception {
    kept("web", 1, now.minus(Duration.ofDays(100)), true);
    kept("web", 2, now.minusSeconds(300), false); // running
    kept("web", 3, now.minusSeconds(200), true);
    kept("web", 4, now.minusSeconds(100), true);
    KeptBuilds k = new KeptBuilds(state);
    var removed = k.prune(2, Duration.ofDays(90), now);
    assertThat(removed).extracting(KeptBuilds.Kept::number).containsExactly(1L);
    assertThat(k.list("web")).extracting(KeptBuilds.Kept::number).containsExactly(4L, 3L, 2L);
    assertThat(k.logFile("web", 1)).doesNotExist();
    assertThat(state.resolve("projects/web/artifacts/1")).doesNotExist();
    assertThat(k.prune(1, Duration.ofDays(90), now))
        .extracting(KeptBuilds.Kept::number)
        .containsExactly(3L);
  }

  @Test
  void pruningRemovesBuildsThatEndedTooLongAgoEvenWithinTheCount() throws Exception {
    kept("web", 1, now.minus(Duration.ofDays(40)), true);
    kept("web", 2, now.minus(Duration.ofDays(20)), true);
    kept("web", 3, now.minus(Duration.ofDays(40)), false); // started long ago, still running
    KeptBuilds k = new KeptBuilds(state);
    assertThat(k.prune(100, Duration.ofDays(30), now))
        .extracting(KeptBuilds.Kept::number)
        .containsExactly(1L);
    assertThat(k.list("web")).extracting(KeptBuilds.Kept::number).containsExactly(2L, 3L);
  }
}
