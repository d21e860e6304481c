package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local AWS's state (repositories, clusters, task definitions, services, tasks...), one JSON
 * document kept in memory and written to disk after every change, so that it survives restarts.
 * Services read and change their own section under this object's lock.
 */
final class LocalAwsState {
  private final Path file;
  private final ObjectNode root;
  private byte[] saved;

  LocalAwsState(Path file) {
    this.file = file;
    ObjectNode loaded = Json.object();
    try {
      if (Files.exists(file)) {
        JsonNode n = Json.MAPPER.readTree(file.toFile());
        if (n instanceof ObjectNode o) {
          loaded = o;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the local AWS state " + file + " (move it away to start afresh)", e);
    }
    this.root = loaded;
  }

  /** Which local AWS this is: its containers and volume are named and labelled with it. */
  String instance() {
    return LocalAwsProcess.instance(file.getParent());
  }

  /** The local AWS's state directory. */
  java.nio.file.Path dir() {
    return file.getParent();
  }

  /** A service's section, created on first use. Call under {@code synchronized (state)}. */
  ObjectNode section(String name) {
    return root.with(name);
  }

  /** Writes the state out. Call under {@code synchronized (state)} after a change. */
  void save() {
    try {
      byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
      if (java.util.Arrays.equals(bytes, saved)) {
        return; // the scheduler saves after every tick; most ticks change nothing
      }
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      saved = bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the local AWS state " + file, e);
    }
  }
}
