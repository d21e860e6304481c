package dev.localbuild.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.agent.ExecutorContract;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executor contract on this machine: commands run as the current user in a scratch copy. */
class HostExecutorIT extends ExecutorContract {
  @Override
  protected Provisioner provisioner(Path source, BuildspecSource buildspec) {
    return new HostProvisioner(
        tmp.resolve("work"),
        source,
        SourceFiles.ALL,
        Map.of(),
        buildspec.pathInSource(),
        false,
        false,
        Map.of());
  }

  @Override
  protected boolean runsAsRoot() {
    return false;
  }

  @Test
  void worksOnAScratchCopyAndRemovesIt() throws IOException {
    build(
        """
        version: 0.2
        phases:
          build:
            commands: ['echo "$CODEBUILD_SRC_DIR"', echo changed > written.txt]
        """);
    assertThat(src.resolve("written.txt")).doesNotExist();
    assertThat(output().getFirst()).startsWith(tmp.resolve("work").toString());
    try (var left = Files.list(tmp.resolve("work"))) {
      assertThat(left).isEmpty();
    }
  }
}
