package dev.localbuild.cache.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a directory: each key a file. Writes go to a temporary file first and are
 * moved in place, so a reader never sees half a blob and a crash leaves no partial entry.
 */
public final class LocalBlobStore implements BlobStore {
  private final Path root;

  public LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  private Path file(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || key.isBlank()) {
      throw new IllegalArgumentException("not a valid cache key: " + key);
    }
    return p;
  }

  @Override
  public Optional<InputStream> get(String key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(file(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void put(String key, InputStream content) throws IOException {
    Path target = file(key);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
    try {
      Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public List<Blob> list(String prefix) throws IOException {
    List<Blob> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String key = root.relativize(p).toString().replace('\\', '/');
        if (key.startsWith(prefix) && !p.getFileName().toString().startsWith(".put-")) {
          out.add(new Blob(key, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
        }
      }
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(file(key));
  }
}
