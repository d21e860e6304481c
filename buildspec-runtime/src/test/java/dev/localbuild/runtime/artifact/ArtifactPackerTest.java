package dev.localbuild.runtime.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.buildspec.ArtifactsSpec;
import dev.localbuild.runtime.sandbox.LocalWorkspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactPackerTest {
  @TempDir Path src;
  final List<String> log = new ArrayList<>();

  @BeforeEach
  void tree() throws IOException {
    write("target/app.jar", "jar");
    write("target/lib/dep.jar", "dep");
    write("target/classes/a/B.class", "class");
    write("docs/site/index.html", "<html>");
    write("docs/site/css/x.css", "css");
    write("build-1/out.txt", "one");
    write("build-2/out.txt", "two");
    write("README.md", "readme");
    write("notes.tmp", "tmp");
    write("src/.cache/junk", "junk");
  }

  void write(String rel, String content) throws IOException {
    Path p = src.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  record Result(
      ArtifactPacker.Packed packed, Map<String, String> entries, Map<String, Integer> modes) {}

  Result pack(ArtifactsSpec spec) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var packed = new ArtifactPacker(new LocalWorkspace(), src.toString(), log::add).pack(spec, out);
    Map<String, String> entries = new TreeMap<>();
    Map<String, Integer> modes = new TreeMap<>();
    try (ZipFile zip =
        ZipFile.builder()
            .setSeekableByteChannel(new SeekableInMemoryByteChannel(out.toByteArray()))
            .get()) {
      for (ZipArchiveEntry e : java.util.Collections.list(zip.getEntries())) {
        entries.put(e.getName(), new String(zip.getInputStream(e).readAllBytes()));
        modes.put(e.getName(), e.getUnixMode());
      }
    }
    return new Result(packed, entries, modes);
  }

  static ArtifactsSpec spec(
      List<String> files, String base, boolean discard, List<String> excludes, boolean links) {
    return new ArtifactsSpec(files, null, base, discard, excludes, links, null, Map.of());
  }

  @Test
  void keepsPathsRelativeToTheSource() throws IOException {
    Result r = pack(ArtifactsSpec.ofFiles("target/app.jar", "README.md"));
    assertThat(r.entries()).containsOnlyKeys("target/app.jar", "README.md");
    assertThat(r.packed().files()).isEqualTo(2);
    assertThat(log)
        .containsExactly(
            "Expanding base directory path: .",
            "Assembling file list",
            "Expanding .",
            "Expanding file paths for base directory .",
            "Assembling file list",
            "Expanding target/app.jar",
            "Expanding README.md",
            "Found 2 file(s)");
  }

  @Test
  void doubleStarTakesEverything() throws IOException {
    assertThat(pack(ArtifactsSpec.ofFiles("**/*")).entries()).hasSize(10);
  }

  @Test
  void aDirectoryPatternTakesItsWholeTree() throws IOException {
    assertThat(pack(ArtifactsSpec.ofFiles("docs")).entries())
        .containsOnlyKeys("docs/site/index.html", "docs/site/css/x.css");
  }

  @Test
  void baseDirectoryContentsWithoutTheDirectoryItself() throws IOException {
    Result r = pack(spec(List.of("**/*"), "docs/site", false, List.of(), false));
    assertThat(r.entries()).containsOnlyKeys("index.html", "css/x.css");
  }

  @Test
  void aBaseDirectoryGlobTakesEveryMatchingDirectory() throws IOException {
    Result r = pack(spec(List.of("*.txt"), "build-*", false, List.of(), false));
    assertThat(r.entries()).containsOnlyKeys("out.txt");
    assertThat(r.entries().get("out.txt")).isEqualTo("one"); // first base wins a name clash
  }

  @Test
  void discardPathsFlattens() throws IOException {
    Result r = pack(spec(List.of("target/**/*"), null, true, List.of(), false));
    assertThat(r.entries()).containsOnlyKeys("app.jar", "dep.jar", "B.class");
  }

  @Test
  void excludePathsLeaveFilesOut() throws IOException {
    Result r =
        pack(
            spec(
                List.of("**/*"),
                null,
                false,
                List.of("**/*.tmp", "**/.*/**/*", "target/lib"),
                false));
    assertThat(r.entries())
        .doesNotContainKeys("notes.tmp", "src/.cache/junk", "target/lib/dep.jar")
        .containsKey("target/app.jar");
  }

  @Test
  void nothingMatchedIsReportedAndEachMissIsLogged() throws IOException {
    Result r = pack(ArtifactsSpec.ofFiles("nope/*.bin", "README.md", "also-missing.txt"));
    assertThat(r.packed().files()).isEqualTo(1);
    assertThat(r.packed().unmatched()).containsExactly("nope/*.bin", "also-missing.txt");
    assertThat(log)
        .contains(
            "Skipping invalid file path nope/*.bin",
            "Skipping invalid file path also-missing.txt",
            "Found 1 file(s)");
    assertThat(pack(ArtifactsSpec.ofFiles("nope")).packed().files()).isZero();
  }

  @Test
  void symlinksAreFollowedUnlessEnabled() throws IOException {
    Files.createSymbolicLink(src.resolve("link.jar"), Path.of("target/app.jar"));
    assertThat(pack(ArtifactsSpec.ofFiles("link.jar")).entries()).containsEntry("link.jar", "jar");
    Result kept = pack(spec(List.of("link.jar"), null, false, List.of(), true));
    assertThat(kept.entries()).containsEntry("link.jar", "target/app.jar");
    assertThat(kept.modes().get("link.jar") & 0170000).isEqualTo(0120000);
  }

  @Test
  void keepsExecutableBits() throws IOException {
    write("run.sh", "#!/bin/sh");
    src.resolve("run.sh").toFile().setExecutable(true, false);
    assertThat(pack(ArtifactsSpec.ofFiles("run.sh")).modes().get("run.sh") & 0111).isNotZero();
  }

  @Test
  void digestsDescribeTheZip() throws IOException {
    Result r = pack(ArtifactsSpec.ofFiles("README.md"));
    assertThat(r.packed().sha256()).hasSize(64);
    assertThat(r.packed().md5()).hasSize(32);
  }

  @Test
  void entryNamesNeverLeaveTheDirectoryTheyAreUnzippedIn() {
    assertThat(ArtifactPacker.entryName("a/b.txt")).isEqualTo("a/b.txt");
    assertThat(ArtifactPacker.entryName("/abs/b.txt")).isEqualTo("abs/b.txt");
    assertThat(ArtifactPacker.entryName("./a//b.txt")).isEqualTo("a/b.txt");
    assertThat(ArtifactPacker.entryName("../../etc/passwd")).isNull();
    assertThat(ArtifactPacker.entryName("a/../../b")).isNull();
  }
}
