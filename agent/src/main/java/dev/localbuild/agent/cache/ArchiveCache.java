package dev.localbuild.agent.cache;

import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.cache.KeyedCache;
import dev.localbuild.cache.archive.CacheArchive;
import dev.localbuild.cache.archive.RestoreGuard;
import dev.localbuild.cache.store.BlobStore;
import dev.localbuild.runtime.BuildCache;
import dev.localbuild.runtime.artifact.FileSelector;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.sandbox.WorkspaceEntry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * CodeBuild's S3 cache: the files {@code cache.paths} select, archived after POST_BUILD and
 * restored in DOWNLOAD_SOURCE, with {@code key}, {@code fallback-keys} and {@code action}. The
 * archives live in a {@link BlobStore}: an S3 bucket, or a directory of this machine for local
 * runs.
 */
public final class ArchiveCache implements BuildCache {
  private final BlobStore store;
  private final String namespace;
  private final String description;
  private final Progress progress;

  /**
   * @param store where archives live
   * @param namespace the project, or its cacheNamespace
   * @param description where, for the log ({@code s3://bucket/prefix}, a directory)
   * @param progress bytes moved, while they move, and the sizes at the end
   */
  public ArchiveCache(BlobStore store, String namespace, String description, Progress progress) {
    this.store = store;
    this.namespace = namespace;
    this.description = description;
    this.progress = progress;
  }

  public ArchiveCache(BlobStore store, String namespace, String description) {
    this(store, namespace, description, Progress.NONE);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public boolean restore(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception {
    KeyedCache cache = new KeyedCache(store, namespace, spec.paths());
    log.accept("Downloading S3 cache...");
    Optional<KeyedCache.Hit> hit = cache.find(keys);
    if (hit.isEmpty()) {
      log.accept(
          keys.isEmpty()
              ? "No cache found in " + description
              : "No cache found for key "
                  + keys.get(0)
                  + (keys.size() > 1 ? " or fallback keys " + keys.subList(1, keys.size()) : ""));
      return false;
    }
    Path tar = Files.createTempFile("localbuild-restore", ".tar");
    Instant start = Instant.now();
    Counted downloaded;
    long unpacked;
    try {
      try (InputStream in =
              downloaded =
                  new Counted(
                      cache.open(hit.get()).orElseThrow(),
                      n -> progress.update(RESTORE, Progress.bytes(n) + " downloaded"));
          OutputStream out = Files.newOutputStream(tar)) {
        List<String> refused =
            relocate(CacheArchive.untarStream(in), sandbox.sourceDir(), spec.paths(), out);
        if (!refused.isEmpty()) {
          log.accept(
              "Skipped "
                  + refused.size()
                  + " cache entr"
                  + (refused.size() == 1 ? "y" : "ies")
                  + " that would write outside the cache paths: "
                  + String.join("; ", refused.subList(0, Math.min(3, refused.size()))));
        }
      }
      unpacked = Files.size(tar);
      progress.update(RESTORE, "unpacking " + Progress.bytes(unpacked));
      try (InputStream in = Files.newInputStream(tar)) {
        sandbox.workspace().unpack(in, RestoreGuard.roots(spec.paths(), sandbox.sourceDir()));
      }
    } finally {
      Files.deleteIfExists(tar);
    }
    progress.done(
        RESTORE,
        Progress.bytes(downloaded.count)
            + " downloaded ("
            + Progress.bytes(unpacked)
            + " unpacked) in "
            + since(start));
    log.accept(
        hit.get().exact()
            ? "Restored cache" + (keys.isEmpty() ? "" : " for key " + keys.get(0))
            : "Restored cache from fallback key " + hit.get().matchedBy());
    return true;
  }

  /**
   * How a file is named in the archive: under {@code src/} relative to the source directory (which
   * is another directory in every build, as CodeBuild's manifest keeps such paths relative), else
   * under {@code abs/} with its absolute path.
   */
  static String stored(String abs, String sourceDir) {
    return abs.startsWith(sourceDir + "/")
        ? SRC + abs.substring(sourceDir.length() + 1)
        : ABS + abs.substring(1);
  }

  /**
   * Rewrites archive names to paths of this build's file system, as Workspace.unpack takes them,
   * leaving out what {@link RestoreGuard} refuses.
   *
   * @return the refused entries, each with the reason
   */
  static List<String> relocate(
      InputStream tar, String sourceDir, List<String> cachePaths, OutputStream out)
      throws java.io.IOException {
    String src = sourceDir.substring(1) + "/";
    RestoreGuard guard = new RestoreGuard(RestoreGuard.roots(cachePaths, sourceDir));
    List<String> refused = new java.util.ArrayList<>();
    try (var in = new TarArchiveInputStream(tar);
        var w = new TarArchiveOutputStream(out)) {
      w.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      w.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        String name = e.getName();
        if (name.startsWith(SRC)) {
          e.setName(src + name.substring(SRC.length()));
        } else if (name.startsWith(ABS)) {
          e.setName(name.substring(ABS.length()));
        } else {
          continue; // not ours
        }
        Optional<String> why = guard.check(e.getName(), e.isSymbolicLink() || e.isLink());
        if (why.isPresent() || e.isLink()) {
          refused.add("/" + e.getName() + " " + why.orElse("is a hard link"));
          continue;
        }
        w.putArchiveEntry(e);
        if (!e.isDirectory() && !e.isSymbolicLink()) {
          in.transferTo(w);
        }
        w.closeArchiveEntry();
      }
    }
    return refused;
  }

  static final String RESTORE = "restoring the cache";
  static final String SAVE = "saving the cache";

  private static String since(Instant start) {
    return Progress.seconds(Duration.between(start, Instant.now()));
  }

  /** A stream that tells how many bytes have gone through it. */
  private static final class Counted extends FilterInputStream {
    private final LongConsumer seen;
    long count;

    Counted(InputStream in, LongConsumer seen) {
      super(in);
      this.seen = seen;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        seen.accept(++count);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        seen.accept(count);
      }
      return n;
    }
  }

  static final String SRC = "src/";
  static final String ABS = "abs/";

  @Override
  public void save(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception {
    log.accept("Uploading S3 cache...");
    Instant start = Instant.now();
    Path tmp = Files.createTempFile("localbuild-cache", ".tar.gz");
    try {
      long files;
      try (OutputStream out = Files.newOutputStream(tmp);
          CacheArchive.Writer w = new CacheArchive.Writer(out)) {
        new FileSelector(sandbox.workspace())
            .select(
                sandbox.sourceDir(),
                spec.paths(),
                List.of(),
                null,
                (rel, abs, e, content) -> {
                  String name = stored(abs, sandbox.sourceDir());
                  if (e.type() == WorkspaceEntry.Type.SYMLINK) {
                    w.symlink(name, String.valueOf(e.linkTarget()), e.modified());
                  } else {
                    w.file(name, e.mode(), e.size(), e.modified(), content);
                  }
                });
        w.close();
        files = w.files();
      }
      if (files == 0) {
        log.accept("Skip cache due to: no files found in the cache paths");
        return;
      }
      KeyedCache cache = new KeyedCache(store, namespace, spec.paths());
      long size = Files.size(tmp);
      String total = " of " + Progress.bytes(size) + " uploaded";
      try (InputStream in =
          new Counted(
              Files.newInputStream(tmp), n -> progress.update(SAVE, Progress.bytes(n) + total))) {
        String key = keys.isEmpty() ? null : keys.get(0);
        if (cache.save(key, in)) {
          progress.done(SAVE, Progress.bytes(size) + " (" + files + " files) in " + since(start));
          log.accept(
              "Saved cache of " + files + " file(s)" + (key == null ? "" : " with key " + key));
        } else {
          log.accept("Cache key " + key + " already exists; a keyed cache is not overwritten");
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
