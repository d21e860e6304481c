package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.model.BuildRecord;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record says which variables the build was given, as CodeBuild's does. */
class RecordVariablesTest {
  @TempDir Path tmp;

  @Test
  void overridesReplaceTheProjectsVariablesInTheRecord() throws Exception {
    EngineHarness h = new EngineHarness(tmp);
    h.projectVariables = Map.of("STAGE", "project", "KEEP", "kept");
    h.overrides = Map.of("STAGE", "override", "EXTRA", "x");
    BuildRecord r = h.run("version: 0.2\nphases:\n  build:\n    commands: [echo $STAGE]\n");
    assertThat(h.output()).containsExactly("override");
    assertThat(r.environment().environmentVariables())
        .extracting(v -> v.name() + "=" + v.value() + " " + v.type())
        .containsExactlyInAnyOrder(
            "STAGE=override PLAINTEXT", "KEEP=kept PLAINTEXT", "EXTRA=x PLAINTEXT");
  }
}
