package dev.localbuild.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A file changed by one thread of one process at a time. A file lock is held by the whole JVM: two
 * threads of one agent that lock the same file get {@code OverlappingFileLockException} instead of
 * waiting. So a lock of this JVM is taken first, then the file's, which keeps other processes out.
 */
public final class FileLocks {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private FileLocks() {}

  /** Work on the locked file's channel. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(FileChannel channel) throws IOException;
  }

  /**
   * Opens the file (made if missing, with its directory), locks it against this JVM's other threads
   * and other processes, and runs the work on its channel.
   */
  public static <T> T locked(Path file, Work<T> work) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock mine = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    mine.lock();
    try {
      Files.createDirectories(key.getParent());
      try (FileChannel ch =
              FileChannel.open(
                  key,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        return work.apply(ch);
      }
    } finally {
      mine.unlock();
    }
  }
}
