package dev.localbuild.server.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.BuildSettings;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildMetricsTest {
  static BuildRecord ended(BuildSettings.Cache cache, Boolean hit) {
    return new BuildRecord(
        "p:abc",
        "arn:aws:codebuild:us-east-1:000000000000:build/p:abc",
        1,
        "p",
        Instant.EPOCH,
        Instant.EPOCH,
        PhaseType.COMPLETED,
        StatusType.SUCCEEDED,
        null,
        null,
        List.of(),
        new BuildRecord.Source("NO_SOURCE", null, "buildspec.yml", null, null),
        List.of(),
        new BuildRecord.Environment(
            "LINUX_CONTAINER", "img", "BUILD_GENERAL1_SMALL", false, List.of(), "docker"),
        60,
        "me",
        null,
        List.of(),
        List.of(),
        List.of(),
        null,
        new BuildSettings(null, "alias/aws/s3", cache),
        null,
        null,
        hit);
  }

  @Test
  void cacheRestoresAreCountedByTypeAndResult() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BuildMetrics metrics = new BuildMetrics(registry);
    BuildSettings.Cache s3 = new BuildSettings.Cache("S3", "bucket/prefix", List.of());
    BuildSettings.Cache local =
        new BuildSettings.Cache("LOCAL", null, List.of("LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"));
    metrics.ended(ended(s3, true));
    metrics.ended(ended(s3, true));
    metrics.ended(ended(s3, false));
    metrics.ended(ended(local, false));
    metrics.ended(ended(BuildSettings.NONE.cache(), null)); // restored nothing: not counted
    assertThat(count(registry, "S3", "hit")).isEqualTo(2);
    assertThat(count(registry, "S3", "miss")).isEqualTo(1);
    assertThat(count(registry, "LOCAL_CUSTOM_CACHE", "miss")).isEqualTo(1);
    assertThat(registry.find("localbuild.cache.restores").counters()).hasSize(3);
  }

  static double count(SimpleMeterRegistry r, String type, String result) {
    return r.get("localbuild.cache.restores")
        .tag("type", type)
        .tag("result", result)
        .counter()
        .count();
  }
}
