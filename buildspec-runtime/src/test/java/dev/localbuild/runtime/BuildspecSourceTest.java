package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buildspec is read once: what a build runs is what was checked, whatever the file does later.
 */
class BuildspecSourceTest {
  @TempDir Path src;

  @Test
  void afterReadTheFileIsNotReadAgain() throws Exception {
    Path file =
        Files.writeString(
            src.resolve("buildspec.yml"), "version: 0.2\nenv:\n  variables:\n    A: checked\n");
    BuildspecSource read = BuildspecSource.file(file, "buildspec.yml").read();
    // swapped afterwards for a link out of the source
    Files.delete(file);
    Files.createSymbolicLink(file, Path.of("/dev/zero"));
    assertThat(read.parse().env().variables()).containsEntry("A", "checked");
    assertThat(read.text()).contains("checked");
  }

  @Test
  void aFileThatCannotBeReadIsLeftForTheBuildToReport() {
    BuildspecSource missing = BuildspecSource.file(src.resolve("buildspec.yml"), "buildspec.yml");
    assertThat(missing.read()).isEqualTo(missing);
  }
}
