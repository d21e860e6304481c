package dev.localbuild.agent.batch;

import dev.localbuild.agent.build.BuildHandle;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.BuildListener;
import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.StatusType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A batch's builds, run on this machine as StartBuildBatch runs them: in parallel up to a number at
 * once, a build-graph's builds once what they depend on has ended well (or failed with
 * ignore-failure), fast-fail stopping the others at the first failure that counts. Each build's log
 * lines are printed with its identifier in front.
 */
public final class BatchRun {
  /**
   * What became of one build of the batch.
   *
   * @param record its record, or null when it did not run
   * @param why why it did not run, or what kept it from starting
   */
  public record Outcome(BatchPlan.Child child, @Nullable BuildRecord record, @Nullable String why) {
    /**
     * Its status as the batch's rules read it ({@link BatchProgress}): its build's, FAILED for one
     * that could not start, null for one that was not run.
     */
    @Nullable String status() {
      if (record != null) {
        return record.buildStatus().name();
      }
      return why != null && why.startsWith("not run") ? null : "FAILED";
    }

    /** Whether the batch fails because of it. */
    public boolean failsTheBatch() {
      return BatchProgress.failsTheBatch(child, status());
    }

    public boolean succeeded() {
      return record != null && record.buildStatus() == StatusType.SUCCEEDED;
    }
  }

  private final BuildLauncher launcher;
  private final BuildOrder base;
  private final BatchPlan plan;
  private final int concurrency;
  private final PrintStream out;
  private final java.util.function.Consumer<String> notices;
  private final Progress progress;
  private final Map<String, BuildHandle> running = new ConcurrentHashMap<>();
  // each build's newest record, for the live table
  private final Map<String, BuildRecord> latest = new ConcurrentHashMap<>();
  private final Map<String, String> ended = new ConcurrentHashMap<>();
  private volatile Display display = Display.NONE;

  /**
   * Who shows the batch as a table while it runs (a terminal): one line per build, redrawn in place
   * as builds start, change phase and end.
   */
  @FunctionalInterface
  public interface Display {
    void show(List<String> rows);

    Display NONE = rows -> {};
  }

  /** Shows the batch's builds on {@code d} as they go. */
  public BatchRun showOn(Display d) {
    this.display = d;
    return this;
  }

  private final @Nullable Duration timeout;
  private volatile boolean stopping;
  private volatile boolean timedOut;

  public BatchRun(
      BuildLauncher launcher,
      BuildOrder base,
      BatchPlan plan,
      int concurrency,
      PrintStream out,
      java.util.function.Consumer<String> notices,
      Progress progress,
      @Nullable Duration timeout) {
    this.timeout = timeout;
    this.launcher = launcher;
    this.base = base;
    this.plan = plan;
    this.concurrency = Math.max(1, concurrency);
    this.out = out;
    this.notices = notices;
    this.progress = progress;
  }

  /** Stops every build that runs and starts no other (Ctrl-C). */
  public void stop() {
    stopping = true;
    running.values().forEach(BuildHandle::stop);
  }

  /** Whether the batch's own timeout ({@code buildBatchConfig.timeoutInMins}) stopped it. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Runs the batch; the outcomes in the plan's order. */
  public List<Outcome> run() throws InterruptedException {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Map<String, BatchPlan.Child> children = new LinkedHashMap<>();
    plan.children().forEach(c -> children.put(c.identifier(), c));
    Map<String, Outcome> done = new LinkedHashMap<>();
    BlockingQueue<Map.Entry<String, Outcome>> finished = new LinkedBlockingQueue<>();
    while (done.size() < children.size()) {
      if (stopping) {
        // stopped (Ctrl-C, fast-fail, the batch's timeout): what has not started never will
        String why = timedOut ? "not run: the batch timed out" : "not run: the batch was stopped";
        children.values().stream()
            .filter(c -> !done.containsKey(c.identifier()) && !running.containsKey(c.identifier()))
            .forEach(c -> done.put(c.identifier(), new Outcome(c, null, why)));
      } else {
        BatchProgress next = BatchProgress.next(plan, statuses(done));
        next.notRun()
            .forEach((id, why) ->
                done.putIfAbsent(id, new Outcome(children.get(id), null, "not run: " + why)));
        if (next.stopOthers()) {
          String failed =
              done.values().stream()
                  .filter(Outcome::failsTheBatch)
                  .map(o -> o.child().identifier())
                  .findFirst()
                  .orElse("a build");
          notices.accept(
              "batch: " + failed + " failed and the batch fails fast: stopping the others");
          stop();
          continue;
        }
        boolean startedOrFailed = false;
        for (String id : next.start()) {
          if (running.size() >= concurrency) {
            break;
          }
          Optional<Outcome> couldNot = start(children.get(id), finished);
          couldNot.ifPresent(o -> done.put(id, o));
          startedOrFailed = true;
        }
        if (startedOrFailed && running.isEmpty()) {
          continue; // what failed to start may have unblocked or blocked others
        }
      }
      if (running.isEmpty()) {
        break; // nothing runs and nothing more can start: everything left is accounted for
      }
      Set<String> waiting = new java.util.HashSet<>(children.keySet());
      waiting.removeAll(done.keySet());
      waiting.removeAll(running.keySet());
      if (display == Display.NONE) {
        progress.update("batch", state(waiting, done)); // the table says it, where there is one
      }
      showTable(waiting, done);
      Map.Entry<String, Outcome> ended =
          finished.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (ended == null) {
        if (!timedOut) {
          timedOut = true;
          notices.accept(
              "batch: its timeout ("
                  + timeout.toMinutes()
                  + " minutes, buildBatchConfig.timeoutInMins) has passed: stopping its builds");
          stop();
        }
        deadline = Long.MAX_VALUE; // now wait for the stopped builds to end
        continue;
      }
      running.remove(ended.getKey());
      done.put(ended.getKey(), ended.getValue());
    }
    showTable(Set.of(), done);
    if (display == Display.NONE) {
      progress.done("batch", state(Set.of(), done));
    }
    List<Outcome> ordered = new ArrayList<>();
    plan.children()
        .forEach(c ->
            ordered.add(
                done.getOrDefault(
                    c.identifier(), new Outcome(c, null, "not run: nothing it depends on ran"))));
    return ordered;
  }

  /** What the batch's rules read: each ended build's status, IN_PROGRESS for those running. */
  private Map<String, String> statuses(Map<String, Outcome> done) {
    Map<String, String> out = new LinkedHashMap<>();
    done.forEach((id, o) -> {
      if (o.status() != null) {
        out.put(id, o.status());
      }
    });
    running.keySet().forEach(id -> out.put(id, "IN_PROGRESS"));
    return out;
  }

  private volatile Set<String> waiting = Set.of();

  /**
   * Redraws the table: the batch's loop passes what waits and what is done; a build's new record
   * passes neither (null: as last passed).
   */
  private void showTable(Set<String> pendingNow, @Nullable Map<String, Outcome> doneNow) {
    if (display == Display.NONE) {
      return; // no table: nothing to work out
    }
    if (doneNow != null) {
      waiting = Set.copyOf(pendingNow);
      doneNow.forEach((k, o) -> ended.putIfAbsent(k, endedText(o)));
    }
    display.show(rows(plan, latest, ended, waiting, java.time.Instant.now()));
  }

  private static String endedText(Outcome o) {
    BuildRecord r = o.record();
    if (r == null) {
      return "-           " + (o.why() == null ? "" : o.why());
    }
    Duration d = r.endTime() == null ? Duration.ZERO : Duration.between(r.startTime(), r.endTime());
    return String.format("%-11s %s", r.buildStatus().name(), Progress.seconds(d));
  }

  /**
   * The table's rows, in the plan's order: each build's identifier, then how it ended, or its
   * status and current phase with how long it has run, or that it waits (and for what).
   */
  static List<String> rows(
      BatchPlan plan,
      Map<String, BuildRecord> latest,
      Map<String, String> ended,
      Set<String> waiting,
      java.time.Instant now) {
    int width =
        Math.max(
            10, plan.children().stream().mapToInt(c -> c.identifier().length()).max().orElse(10));
    List<String> rows = new ArrayList<>();
    for (BatchPlan.Child c : plan.children()) {
      String id = c.identifier();
      String state;
      BuildRecord r = latest.get(id);
      if (ended.containsKey(id)) {
        state = ended.get(id);
      } else if (r != null && r.buildComplete()) {
        state = endedText(new Outcome(c, r, null));
      } else if (r != null) {
        state =
            String.format(
                "%-11s %s %s",
                "IN_PROGRESS",
                r.currentPhase(),
                Progress.seconds(Duration.between(r.startTime(), now)));
      } else if (!waiting.contains(id)) {
        state = "starting";
      } else if (!c.dependOn().isEmpty()) {
        state = "waiting for " + String.join(", ", c.dependOn());
      } else {
        state = "waiting";
      }
      rows.add(String.format("  %-" + width + "s %s", id, state).stripTrailing());
    }
    return rows;
  }

  /** The batch at a glance, for the progress line: what runs, what is done, what waits. */
  private String state(Set<String> pending, Map<String, Outcome> done) {
    long failed = done.values().stream().filter(Outcome::failsTheBatch).count();
    return running.size()
        + " running"
        + (running.isEmpty() ? "" : " (" + String.join(", ", running.keySet()) + ")")
        + ", "
        + done.size()
        + " done"
        + (failed > 0 ? " (" + failed + " failed)" : "")
        + ", "
        + pending.size()
        + " waiting";
  }

  /** Starts a build; an outcome at once when it could not start. */
  private Optional<Outcome> start(
      BatchPlan.Child c, BlockingQueue<Map.Entry<String, Outcome>> finished) {
    String id = c.identifier();
    BuildHandle handle;
    try {
      handle =
          launcher.start(
              order(base, c),
              new BuildListener(
                  n -> notices.accept("[" + id + "] " + n),
                  new PrefixedLog(out, id),
                  r -> {
                    latest.put(id, r);
                    showTable(Set.of(), null);
                  },
                  e -> {},
                  progress));
    } catch (OrderException e) {
      return Optional.of(new Outcome(c, null, e.field() + ": " + e.getMessage()));
    } catch (Exception e) {
      return Optional.of(new Outcome(c, null, "could not start: " + e.getMessage()));
    }
    running.put(id, handle);
    if (stopping) {
      handle.stop();
    }
    Thread.ofPlatform()
        .name("localbuild-batch-" + id)
        .daemon()
        .start(() -> {
          Outcome o;
          try (handle) {
            o = new Outcome(c, handle.await(), null);
          } catch (InterruptedException e) {
            handle.stop();
            o = new Outcome(c, null, "interrupted");
          } catch (RuntimeException e) {
            o = new Outcome(c, null, "failed: " + e.getMessage());
          }
          finished.add(Map.entry(id, o));
        });
    return Optional.empty();
  }

  /**
   * The batch's order as one of its builds: its buildspec, variables, image, compute type and
   * identifier.
   */
  static BuildOrder order(BuildOrder base, BatchPlan.Child c) {
    List<ProjectConfig.Variable> vars = new ArrayList<>(base.environmentVariablesOverride());
    c.variables().forEach((k, v) -> vars.add(new ProjectConfig.Variable(k, v, "PLAINTEXT")));
    return new BuildOrder(
        base.project(),
        base.projectName(),
        base.sourceDirectory(),
        base.secondarySourceDirectories(),
        base.sourceVersion(),
        c.buildspec() != null ? c.buildspec() : base.buildspecOverride(),
        vars,
        c.image() != null ? c.image() : base.imageOverride(),
        c.privileged() ? Boolean.TRUE : base.privilegedModeOverride(),
        base.timeoutOverride(),
        base.cacheOverride(),
        under(base.artifactsDirectory(), c.identifier()),
        under(base.reportsDirectory(), c.identifier()),
        base.region(),
        base.initiator(),
        base.host().inBatch(c.identifier(), c.computeType()));
  }

  private static @Nullable Path under(@Nullable Path dir, String identifier) {
    return dir == null ? null : dir.resolve(identifier);
  }

  /** The batch's status, as BatchGetBuildBatches would say it. */
  public static StatusType status(List<Outcome> outcomes, boolean stopped, boolean timedOut) {
    if (timedOut) {
      return StatusType.TIMED_OUT;
    }
    if (stopped) {
      return StatusType.STOPPED;
    }
    return outcomes.stream().anyMatch(Outcome::failsTheBatch)
        ? StatusType.FAILED
        : StatusType.SUCCEEDED;
  }

  /** The batch's builds as a table, for stderr. */
  public static void summary(
      PrintStream err, List<Outcome> outcomes, StatusType status, Duration took) {
    err.println();
    err.println(
        "localbuild: batch "
            + status
            + " in "
            + Progress.seconds(took)
            + " ("
            + outcomes.size()
            + " builds)");
    int width =
        Math.max(
            10, outcomes.stream().mapToInt(o -> o.child().identifier().length()).max().orElse(10));
    for (Outcome o : outcomes) {
      BuildRecord r = o.record();
      String state = r == null ? "-" : r.buildStatus().name();
      String detail;
      if (r == null) {
        detail = o.why() == null ? "" : o.why();
      } else {
        Duration d =
            r.endTime() == null ? Duration.ZERO : Duration.between(r.startTime(), r.endTime());
        detail =
            r.projectName()
                + ":"
                + r.buildNumber()
                + " in "
                + Progress.seconds(d)
                + failure(r)
                + (o.child().ignoreFailure() && !o.succeeded() ? " (failure ignored)" : "");
      }
      err.println(
          String.format("  %-" + width + "s %-10s %s", o.child().identifier(), state, detail)
              .stripTrailing());
    }
  }

  private static String failure(BuildRecord r) {
    return r.phases().stream()
        .filter(p -> p.status() != null && p.status() != StatusType.SUCCEEDED)
        .findFirst()
        .map(p ->
            ", "
                + p.type()
                + " "
                + p.status()
                + p.contexts().stream()
                    .filter(x -> x.message() != null && !x.message().isEmpty())
                    .findFirst()
                    .map(x -> ": " + x.message())
                    .orElse(""))
        .orElse("");
  }
}
