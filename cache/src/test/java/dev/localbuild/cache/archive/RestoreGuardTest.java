package dev.localbuild.cache.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreGuardTest {
  static final String SRC = "/codebuild/output/src1/src";

  @Test
  void rootsAreTheLiteralDirectoriesOfTheCachePaths() {
    assertThat(RestoreGuard.roots(List.of("/root/.m2/**/*", "node_modules/**/*", ".venv/"), SRC))
        .containsExactly("/root/.m2", SRC + "/node_modules", SRC + "/.venv");
  }

  @Test
  void entriesInsideTheCachePathsAreRestored() {
    var guard = new RestoreGuard(List.of("/root/.m2"));
    assertThat(guard.check("root/.m2/repository/a.jar", false)).isEmpty();
    assertThat(guard.check("/root/.m2", false)).isEmpty();
  }

  @Test
  void dotDotAndOtherDirectoriesAreRefused() {
    var guard = new RestoreGuard(List.of("/root/.m2"));
    assertThat(guard.check("root/.m2/../../etc/cron.d/x", false)).contains("has a '..' component");
    assertThat(guard.check("etc/passwd", false))
        .get()
        .asString()
        .contains("outside the cache paths");
    assertThat(guard.check("root/.m2x/evil", false)).isPresent();
  }

  @Test
  void nothingIsWrittenThroughALinkTheArchiveMade() {
    var guard = new RestoreGuard(List.of("/root/.m2"));
    assertThat(guard.check("root/.m2/link", true)).isEmpty(); // the link itself is harmless
    assertThat(guard.check("root/.m2/link/authorized_keys", false))
        .contains("is beneath the archive's own symlink /root/.m2/link");
  }
}
