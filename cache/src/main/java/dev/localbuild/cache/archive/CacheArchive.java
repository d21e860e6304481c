package dev.localbuild.cache.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A cache entry's content: a gzipped tar of absolute paths (without the leading {@code /}), modes
 * and links kept, so it can be handed to Docker's archive API or unpacked on this machine as is.
 */
public final class CacheArchive {
  private CacheArchive() {}

  /** Writes entries; close it to finish the archive. */
  public static final class Writer implements AutoCloseable {
    private final TarArchiveOutputStream tar;
    private long files;
    private long bytes;

    public Writer(OutputStream out) throws IOException {
      this.tar = new TarArchiveOutputStream(new GZIPOutputStream(out, 1 << 16));
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public void directory(String absPath, int mode, Instant modified) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(strip(absPath) + "/", TarArchiveEntry.LF_DIR);
      e.setMode(040000 | (mode & 07777));
      e.setModTime(modified.toEpochMilli());
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    public void file(String absPath, int mode, long size, Instant modified, InputStream content)
        throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(strip(absPath));
      e.setSize(size);
      e.setMode(0100000 | (mode & 07777));
      e.setModTime(modified.toEpochMilli());
      tar.putArchiveEntry(e);
      long n = content.transferTo(tar);
      if (n != size) {
        throw new IOException(
            absPath + " changed while it was cached (" + n + " bytes, expected " + size + ")");
      }
      tar.closeArchiveEntry();
      files++;
      bytes += size;
    }

    public void symlink(String absPath, String target, Instant modified) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(strip(absPath), TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(target);
      e.setModTime(modified.toEpochMilli());
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      files++;
    }

    public long files() {
      return files;
    }

    public long bytes() {
      return bytes;
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }

  /** The plain tar of an archive, for Docker's archive API (which does not take gzip here). */
  public static InputStream untarStream(InputStream gz) throws IOException {
    return new GZIPInputStream(new BufferedInputStream(gz, 1 << 16), 1 << 16);
  }

  /** Counts the files of an archive (for logging), consuming it. */
  public static long countFiles(InputStream gz) throws IOException {
    long n = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(untarStream(gz))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isDirectory()) {
          n++;
        }
      }
    }
    return n;
  }

  static String strip(String abs) {
    String s = abs;
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    return s;
  }
}
