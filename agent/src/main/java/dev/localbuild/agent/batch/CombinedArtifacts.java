package dev.localbuild.agent.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@code combineArtifacts}: a batch's artifacts in one location, the batch's COMBINE_ARTIFACTS
 * phase. CodeBuild says only "combined into a single artifact location"; here (decided) that is one
 * zip in which each build's primary artifact is under its identifier ({@code linux/app.jar}) and
 * each of its secondary artifacts under {@code IDENTIFIER/ARTIFACT_IDENTIFIER/}.
 */
public final class CombinedArtifacts {
  private CombinedArtifacts() {}

  /** The combined zip, its checksums, and how many files it holds. */
  public record Combined(Path zip, String sha256, String md5, int files) {}

  /**
   * Combines the artifacts each build left in its directory ({@code artifacts.zip}, {@code
   * <secondary>.zip}), in the map's order.
   *
   * @param builds each build's identifier and artifacts directory (missing: it made none)
   * @param target where the combined zip goes; written aside, then moved there
   * @return the combined artifact, or empty when no build made one
   */
  public static Optional<Combined> combine(Map<String, Path> builds, Path target)
      throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".combine-", ".zip");
    int files = 0;
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          ZipOutputStream zip =
              new ZipOutputStream(
                  new DigestOutputStream(new DigestOutputStream(file, sha256), md5))) {
        for (var build : builds.entrySet()) {
          for (Path part : zips(build.getValue())) {
            String name = part.getFileName().toString();
            String prefix =
                build.getKey()
                    + "/"
                    + (name.equals("artifacts.zip")
                        ? ""
                        : name.substring(0, name.length() - ".zip".length()) + "/");
            files += copy(part, prefix, zip);
          }
        }
      }
      if (files == 0) {
        Files.deleteIfExists(tmp);
        return Optional.empty();
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      HexFormat hex = HexFormat.of();
      return Optional.of(
          new Combined(target, hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()), files));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A build's artifact zips: the primary first, then the secondary ones by name. */
  private static List<Path> zips(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".zip"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted((a, b) -> {
            boolean pa = a.getFileName().toString().equals("artifacts.zip");
            boolean pb = b.getFileName().toString().equals("artifacts.zip");
            return pa != pb ? (pa ? -1 : 1) : a.compareTo(b);
          })
          .toList();
    }
  }

  /** Copies a zip's entries under {@code prefix}; the number of files. */
  private static int copy(Path part, String prefix, ZipOutputStream out) throws IOException {
    int files = 0;
    try (InputStream in = Files.newInputStream(part);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        String name = e.getName();
        if (name.startsWith("/") || name.contains("../")) {
          continue; // our own zips never have these; another's must not escape its directory
        }
        ZipEntry copy = new ZipEntry(prefix + name);
        if (e.getLastModifiedTime() != null) {
          copy.setLastModifiedTime(e.getLastModifiedTime());
        }
        out.putNextEntry(copy);
        if (!e.isDirectory()) {
          zip.transferTo(out);
          files++;
        }
        out.closeEntry();
      }
    }
    return files;
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }
}
