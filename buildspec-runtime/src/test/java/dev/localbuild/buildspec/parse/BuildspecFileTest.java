package dev.localbuild.buildspec.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stranger's source decides what its buildspec.yml is: a link, a device, a FIFO, a huge file. */
class BuildspecFileTest {
  @TempDir Path src;

  @Test
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  void aLinkToDevZeroIsRefusedWithoutReadingIt() throws Exception {
    Path b = Files.createSymbolicLink(src.resolve("buildspec.yml"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> BuildspecFile.read(b, src))
        .isInstanceOf(BuildspecException.class)
        .hasMessageContaining("outside the source");
    // given apart from the source (-b), a device is still not a buildspec
    assertThatThrownBy(() -> BuildspecFile.read(b, null))
        .hasMessageContaining("not a regular file");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = src.resolve("buildspec.yml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> BuildspecFile.read(fifo, src))
        .hasMessageContaining("not a regular file");
  }

  @Test
  void aLinkToAFileOutsideTheSourceIsRefused() throws Exception {
    Path outside = Files.writeString(src.getParent().resolve("secret-" + src.getFileName()), "x");
    try {
      Path b = Files.createSymbolicLink(src.resolve("buildspec.yml"), outside);
      assertThatThrownBy(() -> BuildspecFile.read(b, src))
          .hasMessageContaining("outside the source");
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void aLinkInsideTheSourceIsFollowed() throws Exception {
    Files.createDirectories(src.resolve("ci"));
    Files.writeString(src.resolve("ci/real.yml"), "version: 0.2\n");
    Path b = Files.createSymbolicLink(src.resolve("buildspec.yml"), Path.of("ci/real.yml"));
    assertThat(BuildspecFile.read(b, src)).isEqualTo("version: 0.2\n");
  }

  @Test
  void aHugeFileIsRefusedAfterReadingNoMoreThanTheCap() throws Exception {
    Path b = src.resolve("buildspec.yml");
    Files.write(b, new byte[BuildspecFile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> BuildspecFile.read(b, src))
        .hasMessageContaining("larger than 1024 KiB");
  }

  @Test
  void aMissingFileIsCodeBuildsError() {
    assertThatThrownBy(() -> BuildspecFile.read(src.resolve("buildspec.yml"), src))
        .hasMessageContaining("YAML file does not exist");
  }
}
