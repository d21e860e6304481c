package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.sandbox.SourceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sources go in through the build's shell ({@link SourcePipe}) and which do not. */
class SourceTarTest {
  @TempDir Path src;

  List<SourceTar.Mapping> mappings() {
    return List.of(new SourceTar.Mapping(src, "/codebuild/output/src1/src", SourceFiles.ALL));
  }

  @Test
  void aOneFileSourceIsAFewKibAndALargerOneIsNotHeldInMemory() throws Exception {
    Files.writeString(src.resolve("buildspec.yml"), "version: 0.2\n");
    byte[] tar = SourceTar.small(mappings(), SourcePipe.LIMIT).orElseThrow();
    // 512-byte blocks: the directory, the file (each with a pax header for the long path), the end
    assertThat(tar.length).isLessThanOrEqualTo(5 * 1024);

    Files.write(src.resolve("pad.bin"), new byte[SourcePipe.LIMIT]);
    assertThat(SourceTar.small(mappings(), SourcePipe.LIMIT)).isEmpty();
  }
}
