package dev.localbuild.agent.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a batch does next, from what its builds have done: which builds start now (a build-graph's
 * once what they depend on succeeded, or failed with {@code ignore-failure}), which will never run
 * and why, whether fast-fail stops the others, and the batch's status once nothing runs. The rules
 * of both {@code run --batch} (on its builds' outcomes) and the server's batches (on the statuses
 * the database holds).
 *
 * @param start the identifiers to start now
 * @param notRun identifiers that will not run, with why
 * @param stopOthers fast-fail: a build failed, the running ones are to be stopped
 * @param status null while the batch goes on; SUCCEEDED or FAILED when it has ended
 */
public record BatchProgress(
    List<String> start, Map<String, String> notRun, boolean stopOthers, @Nullable String status) {

  /**
   * @param statuses each started build's status by identifier (QUEUED and IN_PROGRESS while it
   *     runs)
   */
  public static BatchProgress next(BatchPlan plan, Map<String, String> statuses) {
    Map<String, BatchPlan.Child> children = new LinkedHashMap<>();
    plan.children().forEach(c -> children.put(c.identifier(), c));
    Map<String, String> notRun = new LinkedHashMap<>();
    boolean failed =
        plan.children().stream().anyMatch(c -> failsTheBatch(c, statuses.get(c.identifier())));
    boolean failFast = failed && plan.fastFail();
    List<String> start = new ArrayList<>();
    boolean changed = true;
    while (changed) { // a build that will not run holds back what depends on it, and so on
      changed = false;
      for (BatchPlan.Child c : plan.children()) {
        String id = c.identifier();
        if (statuses.containsKey(id) || notRun.containsKey(id) || start.contains(id)) {
          continue;
        }
        if (failFast) {
          notRun.put(id, "the batch failed fast");
          changed = true;
          continue;
        }
        String blocked = blockedBy(c, children, statuses, notRun);
        if (blocked != null) {
          notRun.put(id, blocked);
          changed = true;
        } else if (c.dependOn().stream()
            .allMatch(d -> letsDependentsRun(children.get(d), statuses))) {
          start.add(id);
        }
      }
    }
    // a dependency the batch lacks is the batchspec's error (read before, and refused there)
    failed |= notRun.values().stream().anyMatch(w -> w.startsWith("it depends on"));
    boolean running = statuses.values().stream().anyMatch(BatchProgress::running);
    boolean ended =
        !running && start.isEmpty() && statuses.size() + notRun.size() >= children.size();
    return new BatchProgress(
        start, notRun, failFast && running, ended ? (failed ? "FAILED" : "SUCCEEDED") : null);
  }

  /** Why a build cannot run because of what it depends on; null while it may yet run. */
  private static @Nullable String blockedBy(
      BatchPlan.Child c,
      Map<String, BatchPlan.Child> children,
      Map<String, String> statuses,
      Map<String, String> notRun) {
    for (String dep : c.dependOn()) {
      if (!children.containsKey(dep)) {
        return "it depends on " + dep + ", which the batch does not have";
      }
      if (notRun.containsKey(dep)) {
        return dep + " did not run";
      }
      String s = statuses.get(dep);
      if (s != null && !running(s) && !letsDependentsRun(children.get(dep), statuses)) {
        return dep + " " + s;
      }
    }
    return null;
  }

  public static boolean running(@Nullable String status) {
    return "QUEUED".equals(status) || "IN_PROGRESS".equals(status);
  }

  /** Whether what depends on it may run: it succeeded, or ended with its failure ignored. */
  private static boolean letsDependentsRun(
      BatchPlan.@Nullable Child c, Map<String, String> statuses) {
    if (c == null) {
      return false;
    }
    String s = statuses.get(c.identifier());
    return "SUCCEEDED".equals(s) || (c.ignoreFailure() && s != null && !running(s));
  }

  /** Whether the batch fails because of it: it ended other than SUCCEEDED, not ignored. */
  public static boolean failsTheBatch(BatchPlan.Child c, @Nullable String status) {
    return !c.ignoreFailure() && status != null && !running(status) && !"SUCCEEDED".equals(status);
  }
}
