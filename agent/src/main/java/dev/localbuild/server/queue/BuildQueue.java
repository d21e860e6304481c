package dev.localbuild.server.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Builds waiting for a slot, fair between projects: each project has its own line, and the next
 * build comes from the project after the one that went last, so one busy project cannot starve
 * another. Thread-safe.
 *
 * @param <T> what waits
 */
public final class BuildQueue<T> {
  private final Map<String, Deque<T>> lines = new LinkedHashMap<>();
  private final List<String> order = new ArrayList<>();
  private int next;

  public synchronized void add(String project, T item) {
    lines
        .computeIfAbsent(
            project,
            p -> {
              order.add(p);
              return new ArrayDeque<>();
            })
        .addLast(item);
    notifyAll();
  }

  /** The next build, round robin over projects; empty when none waits. */
  public synchronized Optional<T> poll() {
    for (int i = 0; i < order.size(); i++) {
      int at = (next + i) % order.size();
      Deque<T> line = lines.get(order.get(at));
      if (!line.isEmpty()) {
        next = (at + 1) % order.size();
        return Optional.of(line.pollFirst());
      }
    }
    return Optional.empty();
  }

  /** Waits for a build (at most the given time). */
  public synchronized Optional<T> take(long millis) throws InterruptedException {
    Optional<T> item = poll();
    if (item.isEmpty() && millis > 0) {
      wait(millis);
      item = poll();
    }
    return item;
  }

  /**
   * Removes a waiting build (StopBuild of a queued build).
   *
   * @return whether it was waiting
   */
  public synchronized boolean remove(Predicate<T> which) {
    for (Deque<T> line : lines.values()) {
      if (line.removeIf(which)) {
        return true;
      }
    }
    return false;
  }

  /** Removes every waiting build that matches (builds past their queued timeout). */
  public synchronized List<T> removeAll(Predicate<T> which) {
    List<T> removed = new ArrayList<>();
    for (Deque<T> line : lines.values()) {
      line.removeIf(t -> {
        if (which.test(t)) {
          removed.add(t);
          return true;
        }
        return false;
      });
    }
    return removed;
  }

  public synchronized int size() {
    return lines.values().stream().mapToInt(Deque::size).sum();
  }
}
