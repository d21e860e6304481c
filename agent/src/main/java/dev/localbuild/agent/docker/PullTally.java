package dev.localbuild.agent.docker;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How far a pull is, from the engine's progress messages: layers done of layers seen, and bytes
 * downloaded of the bytes known so far (a layer's size is known once it starts downloading).
 */
final class PullTally {
  private static final class Layer {
    long current;
    long total;
    boolean done;
  }

  private final Map<String, Layer> layers = new LinkedHashMap<>();

  /**
   * One progress message of the engine ({@code id} is a layer's short digest; messages about the
   * image as a whole have its tag or no id and are not layers).
   */
  void accept(@Nullable String id, @Nullable String status, long current, long total) {
    if (id == null || status == null || !layerStatus(status)) {
      return;
    }
    Layer l = layers.computeIfAbsent(id, k -> new Layer());
    switch (status) {
      case "Downloading" -> {
        l.current = current;
        if (total > 0) {
          l.total = total;
        }
      }
      case "Download complete", "Verifying Checksum" -> l.current = l.total;
      case "Pull complete", "Already exists" -> {
        l.current = l.total;
        l.done = true;
      }
      default -> {}
    }
  }

  private static boolean layerStatus(String status) {
    return switch (status) {
      case "Pulling fs layer",
          "Waiting",
          "Downloading",
          "Verifying Checksum",
          "Download complete",
          "Extracting",
          "Pull complete",
          "Already exists" ->
          true;
      default -> status.startsWith("Retrying");
    };
  }

  /** {@code 3/7 layers, 12.4 MiB of 45.0 MiB}; without sizes yet, the layers alone. */
  String summary() {
    long done = layers.values().stream().filter(l -> l.done).count();
    long current = layers.values().stream().mapToLong(l -> l.current).sum();
    long total = layers.values().stream().mapToLong(l -> l.total).sum();
    String s = done + "/" + layers.size() + " layers";
    return total == 0
        ? s
        : s
            + ", "
            + dev.localbuild.runtime.log.Progress.bytes(current)
            + " of "
            + dev.localbuild.runtime.log.Progress.bytes(total);
  }
}
