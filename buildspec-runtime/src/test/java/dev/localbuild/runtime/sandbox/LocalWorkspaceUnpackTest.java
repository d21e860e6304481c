package dev.localbuild.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host executor restores caches on this machine: a tar-slip must not write anywhere else. */
class LocalWorkspaceUnpackTest {
  @TempDir Path tmp;

  static byte[] tar(String name, String content) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var t = new TarArchiveOutputStream(bytes)) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name, true);
      e.setSize(b.length);
      t.putArchiveEntry(e);
      t.write(b);
      t.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void writesInsideTheRoot() throws IOException {
    Path root = tmp.resolve("cache");
    new LocalWorkspace()
        .unpack(
            new ByteArrayInputStream(tar(root.resolve("a/b.txt").toString().substring(1), "hi")),
            List.of(root.toString()));
    assertThat(root.resolve("a/b.txt")).hasContent("hi");
  }

  @Test
  void refusesDotDot() {
    Path root = tmp.resolve("cache");
    String name = root.toString().substring(1) + "/../escaped.txt";
    assertThatThrownBy(() ->
            new LocalWorkspace()
                .unpack(new ByteArrayInputStream(tar(name, "x")), List.of(root.toString())))
        .hasMessageContaining("'..'");
    assertThat(tmp.resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void refusesWritingThroughALinkAlreadyOnDisk() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("src/node_modules"));
    Path outside = Files.createDirectories(tmp.resolve("home/.ssh"));
    Files.createSymbolicLink(root.resolve("pkg"), outside);
    String name = root.resolve("pkg/authorized_keys").toString().substring(1);
    assertThatThrownBy(() ->
            new LocalWorkspace()
                .unpack(
                    new ByteArrayInputStream(tar(name, "ssh-rsa evil")), List.of(root.toString())))
        .hasMessageContaining("leads outside");
    assertThat(outside.resolve("authorized_keys")).doesNotExist();
  }

  @Test
  void refusesPathsOutsideEveryRoot() {
    assertThatThrownBy(() ->
            new LocalWorkspace()
                .unpack(
                    new ByteArrayInputStream(tar(tmp.resolve("x").toString().substring(1), "x")),
                    List.of(tmp.resolve("cache").toString())))
        .hasMessageContaining("outside");
  }
}
