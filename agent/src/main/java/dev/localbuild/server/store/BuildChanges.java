package dev.localbuild.server.store;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who waits for a build to change: the web page's live logs. The store says a build changed (a
 * record saved, a log line appended) and each watcher reads what is new itself, so a burst of lines
 * wakes a watcher once, not once per line. In this process only: a watcher also reads on a timer,
 * which is how it hears of changes another agent made.
 */
public final class BuildChanges {
  private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();

  /**
   * Runs {@code onChange} (on the writer's thread: it must only schedule work) whenever the build
   * changes, until the returned handle is closed.
   */
  public AutoCloseable watch(String buildId, Runnable onChange) {
    watchers.computeIfAbsent(buildId, k -> ConcurrentHashMap.newKeySet()).add(onChange);
    return () ->
        watchers.computeIfPresent(
            buildId,
            (k, set) -> {
              set.remove(onChange);
              return set.isEmpty() ? null : set;
            });
  }

  void changed(String buildId) {
    Set<Runnable> set = watchers.get(buildId);
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }

  /** How many builds someone watches now. */
  public int watched() {
    return watchers.size();
  }
}
