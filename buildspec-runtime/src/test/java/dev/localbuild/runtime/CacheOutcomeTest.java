package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record says whether the buildspec's cache was restored: the server counts hits and misses.
 */
class CacheOutcomeTest {
  @TempDir Path root;

  static final String CACHED =
      """
      version: 0.2
      phases:
        build:
          commands:
            - echo hi
      cache:
        paths:
          - 'deps/**/*'
      """;

  static BuildCache answering(Object outcome) {
    return new BuildCache() {
      @Override
      public boolean restore(
          CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log)
          throws Exception {
        if (outcome instanceof Exception e) {
          throw e;
        }
        return (Boolean) outcome;
      }

      @Override
      public void save(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log) {}

      @Override
      public boolean enabled() {
        return true;
      }
    };
  }

  BuildRecord run(BuildCache cache, String buildspec) throws Exception {
    EngineHarness h = new EngineHarness(root.resolve("b" + System.nanoTime()));
    h.cache = cache;
    return h.run(buildspec);
  }

  @Test
  void aHitAMissAndAFailedRestoreAreRecorded() throws Exception {
    assertThat(run(answering(true), CACHED).cacheHit()).isTrue();
    assertThat(run(answering(false), CACHED).cacheHit()).isFalse();
    // a failed restore is a cold build, so a miss
    assertThat(run(answering(new java.io.IOException("the bucket is gone")), CACHED).cacheHit())
        .isFalse();
  }

  @Test
  void aBuildWithoutACacheRestoresNothing() throws Exception {
    assertThat(
            run(
                    answering(true),
                    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n")
                .cacheHit())
        .isNull();
    assertThat(run(BuildCache.NONE, CACHED).cacheHit()).isNull();
  }
}
