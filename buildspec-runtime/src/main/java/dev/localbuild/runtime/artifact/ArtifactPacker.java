package dev.localbuild.runtime.artifact;

import dev.localbuild.buildspec.ArtifactsSpec;
import dev.localbuild.runtime.sandbox.Workspace;
import dev.localbuild.runtime.sandbox.WorkspaceEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Builds one artifact zip from a buildspec {@code artifacts} section: resolves the base directory,
 * selects {@code files} minus {@code exclude-paths}, flattens with {@code discard-paths}, keeps or
 * follows links per {@code enable-symlinks}, and logs CodeBuild's lines while doing it.
 */
public final class ArtifactPacker {
  /** Biggest single file followed through a symlink (read whole into memory). */
  static final long MAX_LINKED_FILE = 512L * 1024 * 1024;

  private final Workspace workspace;
  private final FileSelector selector;
  private final String sourceDir;
  private final Consumer<String> log;

  /**
   * @param workspace the build's files
   * @param sourceDir {@code CODEBUILD_SRC_DIR}: relative patterns start there
   * @param log receives CodeBuild's agent lines ({@code Expanding ...}, {@code Found N file(s)})
   */
  public ArtifactPacker(Workspace workspace, String sourceDir, Consumer<String> log) {
    this.workspace = workspace;
    this.selector = new FileSelector(workspace);
    this.sourceDir = sourceDir;
    this.log = log;
  }

  /** What was packed: {@code files() == 0} means nothing matched (CodeBuild's CLIENT_ERROR). */
  public record Packed(int files, List<String> unmatched, String sha256, String md5) {}

  /** Packs the artifact into {@code out}, which is closed. */
  public Packed pack(ArtifactsSpec spec, OutputStream out) throws IOException {
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    Set<String> names = new HashSet<>();
    List<String> unmatched = new ArrayList<>();
    List<Glob> excludes = spec.excludePaths().stream().map(Glob::of).toList();
    String baseText = spec.baseDirectory() == null ? "." : spec.baseDirectory();
    try (var zip =
        new ZipArchiveOutputStream(
            new DigestOutputStream(new DigestOutputStream(out, sha256), md5))) {
      log.accept("Expanding base directory path: " + baseText);
      log.accept("Assembling file list");
      log.accept("Expanding " + baseText);
      for (String base : selector.baseDirectories(sourceDir, spec.baseDirectory())) {
        log.accept("Expanding file paths for base directory " + baseText);
        log.accept("Assembling file list");
        List<String> missed =
            selector.select(
                base,
                spec.files(),
                excludes,
                p -> log.accept("Expanding " + p),
                (rel, abs, e, in) -> {
                  String name =
                      entryName(
                          spec.discardPaths() ? rel.substring(rel.lastIndexOf('/') + 1) : rel);
                  if (name == null) {
                    log.accept("Skipping " + rel + ": it would unpack outside the artifact");
                    return;
                  }
                  if (names.add(name) && !write(zip, name, abs, e, in, spec.enableSymlinks())) {
                    names.remove(name);
                  }
                });
        missed.stream().filter(p -> !unmatched.contains(p)).forEach(unmatched::add);
      }
      unmatched.forEach(p -> log.accept("Skipping invalid file path " + p));
      log.accept("Found " + names.size() + " file(s)");
      zip.finish();
    }
    return new Packed(
        names.size(),
        unmatched,
        HexFormat.of().formatHex(sha256.digest()),
        HexFormat.of().formatHex(md5.digest()));
  }

  /** Writes one entry; false when it had to be skipped (a dangling link, a link to a directory). */
  private boolean write(
      ZipArchiveOutputStream zip,
      String name,
      String abs,
      WorkspaceEntry e,
      java.io.InputStream in,
      boolean keepLinks)
      throws IOException {
    ZipArchiveEntry z = new ZipArchiveEntry(name);
    z.setTime(e.modified().toEpochMilli());
    if (e.type() == WorkspaceEntry.Type.SYMLINK) {
      if (keepLinks) {
        z.setUnixMode(UnixStat.LINK_FLAG | 0777);
        zip.putArchiveEntry(z);
        zip.write(String.valueOf(e.linkTarget()).getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
        return true;
      }
      Optional<byte[]> target = workspace.read(resolveLink(abs, e.linkTarget()), MAX_LINKED_FILE);
      if (target.isEmpty()) {
        return false;
      }
      z.setUnixMode(UnixStat.FILE_FLAG | 0644);
      zip.putArchiveEntry(z);
      zip.write(target.get());
      zip.closeArchiveEntry();
      return true;
    }
    z.setUnixMode(UnixStat.FILE_FLAG | (e.mode() & 07777));
    zip.putArchiveEntry(z);
    in.transferTo(zip);
    zip.closeArchiveEntry();
    return true;
  }

  /**
   * A zip entry name that unpacks inside the directory it is unpacked in: no leading {@code /}, no
   * {@code .} or empty segments, and null when it has {@code ..} (a zip-slip for whoever unzips
   * it).
   */
  static @Nullable String entryName(String rel) {
    StringBuilder b = new StringBuilder();
    for (String seg : rel.replace('\\', '/').split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        return null;
      }
      b.append(b.isEmpty() ? "" : "/").append(seg);
    }
    return b.isEmpty() ? null : b.toString();
  }

  private static String resolveLink(String abs, @Nullable String target) {
    if (target == null) {
      return abs;
    }
    if (target.startsWith("/")) {
      return target;
    }
    return abs.substring(0, abs.lastIndexOf('/') + 1) + target;
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
