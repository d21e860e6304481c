package dev.localbuild.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildHandle;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.BuildListener;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.cache.LocalCaches;
import dev.localbuild.agent.output.TerminalLog;
import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.runtime.log.Progress;
import dev.localbuild.runtime.model.BuildRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code localbuild run}: one build, in the foreground, its log on stdout. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run a buildspec as CodeBuild would; optionally deploy the result to ECS.",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Runs a buildspec as CodeBuild would: the phases INSTALL, PRE_BUILD, BUILD, POST_BUILD with",
      "CodeBuild's transitions, its environment variables, one shell per command with variables and",
      "directory carried over, and CodeBuild's log lines on stdout. Artifacts go to the -a directory",
      "(artifacts.zip), reports to the -r directory. The flags of AWS's local agent (codebuild_build.sh)",
      "work the same here. AWS calls (secrets, ECR, S3, ECS) go to the local AWS unless -c is given.",
      "",
      "Examples:",
      "  localbuild run                                  # ./buildspec.yml in the default image",
      "  localbuild run -i debian:bookworm -a out        # another image; artifacts in ./out",
      "  localbuild run -b ci/buildspec-test.yml -e .env # another buildspec, variables from a file",
      "  localbuild run --executor host                  # no Docker: run the commands on this machine",
      "  localbuild run -d --deploy local/web-app --deploy-task-definition ecs/taskdef.json",
      "                                                  # build, push to ECR, roll out to ECS",
      "",
    },
    footer = {
      "",
      "Exit status: 0 SUCCEEDED, 1 FAILED, 2 usage error, 3 FAULT (localbuild or Docker failed, not your",
      "build), 4 TIMED_OUT, 5 the build succeeded but --deploy failed, 130 STOPPED (Ctrl-C). The build's",
      "record is kept in $LOCALBUILD_HOME (default ~/.localbuild) and written with --json in the shape",
      "of `aws codebuild batch-get-builds`.",
    })
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin RunOptions options;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      return run(CommandLineOrder.from(options, System.getenv()));
    } catch (CommandLineOrder.SetupException e) {
      spec.commandLine().getErr().println("localbuild: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }

  private int run(CommandLineOrder command) throws Exception {
    if (options.batch) {
      return batch(command);
    }
    Path state = command.launcher().state();
    try (BuildLauncher launcher = new BuildLauncher(command.launcher())) {
      for (String id : launcher.recoverAbandoned()) {
        System.err.println(
            "localbuild: build "
                + id
                + " was left unfinished by a stopped agent; recorded as FAULT");
      }
      StderrProgress stderr = StderrProgress.system();
      // the Ctrl-C handler is in place before the build's thread starts: a Ctrl-C while the
      // container is being made must still stop the build and remove it
      StopOnCtrlC ctrlC = new StopOnCtrlC();
      if (ctrlC.tooLate) {
        return ExitCodes.STOPPED; // the JVM is exiting on a Ctrl-C: no build was started
      }
      BuildHandle handle = null;
      try {
        handle =
            launcher.start(
                command.order(),
                new BuildListener(stderr, new TerminalLog(System.out), r -> {}, e -> {}, stderr));
      } catch (OrderException e) {
        throw CommandLineOrder.worded(e);
      } finally {
        ctrlC.started(handle);
      }
      try (BuildHandle build = handle) {
        keepCommand(state, build);
        return run(build, state, stderr, ctrlC);
      } finally {
        ctrlC.close();
      }
    }
  }

  /** {@code run --batch}: the batch's builds, then their table; the batch's exit status. */
  private int batch(CommandLineOrder command) throws Exception {
    dev.localbuild.agent.batch.BatchPlan plan;
    try {
      plan = dev.localbuild.agent.batch.BatchPlan.of(command.order());
    } catch (OrderException e) {
      throw CommandLineOrder.worded(e);
    }
    int concurrency = options.serial ? 1 : Math.max(1, options.batchConcurrency);
    var config =
        command.order().project() == null ? null : command.order().project().buildBatchConfig();
    try (BuildLauncher launcher = new BuildLauncher(command.launcher())) {
      StderrProgress stderr = StderrProgress.system();
      // on a terminal, a live table of the builds; elsewhere a progress line every few seconds
      LiveTable table =
          stderr.terminal()
              ? new LiveTable(
                  System.err,
                  "1".equals(System.getProperty("localbuild.stdout-tty")) ? System.out : null,
                  stderr.width(),
                  java.time.InstantSource.system())
              : null;
      var batch =
          new dev.localbuild.agent.batch.BatchRun(
              launcher,
              command.order(),
              plan,
              concurrency,
              table != null ? table.log(System.out) : System.out,
              table != null ? table : stderr,
              table != null ? table : stderr,
              config == null || config.timeoutInMins() == null
                  ? null
                  : Duration.ofMinutes(config.timeoutInMins()));
      if (table != null) {
        batch.showOn(table);
      }
      System.err.println(
          "localbuild: batch of "
              + plan.children().size()
              + " builds, "
              + concurrency
              + " at a time"
              + (plan.fastFail() ? ", fast-fail" : "")
              + ": "
              + String.join(
                  ", ",
                  plan.children().stream()
                      .map(dev.localbuild.agent.batch.BatchPlan.Child::identifier)
                      .toList()));
      CountDownLatch done = new CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean stopped =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread hook =
          new Thread(
              () -> {
                stopped.set(true);
                batch.stop();
                try {
                  done.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "localbuild-stop-batch");
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException shutdownInProgress) {
        return ExitCodes.STOPPED;
      }
      try {
        java.time.Instant start = java.time.Instant.now();
        var outcomes = batch.run();
        if (table != null) {
          table.close(); // the summary below says the same, for good
        }
        var status =
            dev.localbuild.agent.batch.BatchRun.status(outcomes, stopped.get(), batch.timedOut());
        dev.localbuild.agent.batch.BatchRun.summary(
            System.err, outcomes, status, Duration.between(start, java.time.Instant.now()));
        // as on the server: a batch that was stopped or timed out has no COMBINE_ARTIFACTS
        if ((options.combineArtifacts || (config != null && config.combineArtifacts()))
            && !stopped.get()
            && !batch.timedOut()) {
          if (!combine(command, outcomes, start)) {
            return ExitCodes.of(dev.localbuild.runtime.model.StatusType.FAILED);
          }
        }
        return ExitCodes.of(status);
      } finally {
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook waited for the table above
        }
      }
    }
  }

  /**
   * COMBINE_ARTIFACTS for {@code run --batch}: the builds' artifacts in one zip, {@code
   * artifacts.zip} in the {@code -a} directory (beside each build's own directory) or kept under
   * the state directory.
   *
   * @return false when they could not be combined
   */
  private boolean combine(
      CommandLineOrder command,
      java.util.List<dev.localbuild.agent.batch.BatchRun.Outcome> outcomes,
      java.time.Instant start) {
    var order = command.order();
    java.util.Map<String, java.nio.file.Path> dirs = new java.util.LinkedHashMap<>();
    for (var o : outcomes) {
      if (o.record() != null) {
        dirs.put(
            o.child().identifier(),
            order.artifactsDirectory() != null
                ? order.artifactsDirectory().resolve(o.child().identifier())
                : dev.localbuild.agent.build.BuildOutputs.keptArtifacts(
                    command.launcher().state(),
                    o.record().projectName(),
                    o.record().buildNumber()));
      }
    }
    String project =
        outcomes.stream()
            .filter(o -> o.record() != null)
            .map(o -> o.record().projectName())
            .findFirst()
            .orElse(null);
    if (project == null) {
      System.err.println(
          "localbuild: no build of the batch ran: there are no artifacts to combine");
      return true;
    }
    java.nio.file.Path target =
        order.artifactsDirectory() != null
            ? order.artifactsDirectory().resolve("artifacts.zip")
            : dev.localbuild.agent.build.BuildOutputs.keptBatchArtifacts(
                command.launcher().state(),
                project,
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(java.time.ZoneOffset.UTC)
                    .format(start));
    try {
      var combined = dev.localbuild.agent.batch.CombinedArtifacts.combine(dirs, target);
      System.err.println(
          combined
              .map(c ->
                  "localbuild: combined the batch's artifacts ("
                      + c.files()
                      + " files, each build's under its identifier): "
                      + c.zip())
              .orElse("localbuild: the batch's builds made no artifacts to combine"));
      return true;
    } catch (java.io.IOException e) {
      System.err.println("localbuild: cannot combine the batch's artifacts: " + e.getMessage());
      return false;
    }
  }

  /**
   * Stops the build on Ctrl-C (SIGINT, SIGTERM) and holds the JVM's exit until the build has
   * cleaned up, recorded STOPPED and printed its summary.
   */
  private static final class StopOnCtrlC implements AutoCloseable {
    private final java.util.concurrent.CompletableFuture<BuildHandle> handle =
        new java.util.concurrent.CompletableFuture<>();
    final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook =
        new Thread(
            () -> {
              try {
                // a Ctrl-C while the build is being started waits for its handle (null: it did
                // not start)
                BuildHandle h = handle.get(30, TimeUnit.SECONDS);
                if (h != null) {
                  h.stop();
                  done.await(60, TimeUnit.SECONDS);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (java.util.concurrent.ExecutionException
                  | java.util.concurrent.TimeoutException e) {
                // nothing to stop
              }
            },
            "localbuild-stop");

    /** The Ctrl-C came before the build could start: there is nothing to stop, nor to start. */
    final boolean tooLate;

    StopOnCtrlC() {
      boolean added = true;
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException shutdownInProgress) {
        added = false;
      }
      tooLate = !added;
    }

    void started(@org.jspecify.annotations.Nullable BuildHandle h) {
      handle.complete(h);
      if (h == null) {
        done.countDown();
      }
    }

    /** The build has ended: a Ctrl-C from now on ends the JVM at once. */
    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook waits for the record and the summary, then the JVM exits with 130
      }
      done.countDown();
    }
  }

  private int run(BuildHandle handle, Path state, Progress progress, StopOnCtrlC ctrlC)
      throws Exception {
    CountDownLatch done = ctrlC.done;
    int exit;
    try {
      BuildRecord record = handle.await();
      if (options.json != null) {
        writeJson(options.json, record);
      }
      new RunSummary(System.err).print(record, handle.outputs(), handle.recordFile(record));
      exit = ExitCodes.of(record.buildStatus());
    } finally {
      // only now may a Ctrl-C end the JVM: the record and the summary are written
      done.countDown();
    }
    pruneKeptBuilds(state);
    for (var e :
        new LocalCaches(state).pruneIfDue(LocalCaches.DEFAULT_LIMIT, Duration.ofHours(1))) {
      System.err.println(
          "localbuild: removed the least recently used "
              + e.kind()
              + " cache "
              + e.name()
              + " ("
              + Progress.bytes(e.bytes())
              + ") to keep caches under 20 GiB");
    }
    if (options.deploy != null && exit == ExitCodes.SUCCEEDED) {
      exit =
          new DeployStep(options, handle.aws(), progress).run(handle.outputs().artifactsDir())
              ? exit
              : ExitCodes.DEPLOY_FAILED;
    }
    return exit;
  }

  /** What {@code localbuild rerun} runs again: these flags, from this directory. */
  private void keepCommand(Path state, BuildHandle handle) throws IOException {
    var n = RecordJson.MAPPER.createObjectNode();
    n.put("directory", Path.of("").toAbsolutePath().toString());
    var args = n.putArray("arguments");
    // the whole command line's arguments: those after `run` are this command's
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    original.subList(original.indexOf("run") + 1, original.size()).forEach(args::add);
    Path file =
        new KeptBuilds(state).commandFile(handle.id().projectName(), handle.id().buildNumber());
    Files.createDirectories(file.getParent());
    RecordJson.MAPPER.writeValue(file.toFile(), n);
  }

  /** Kept builds stay bounded: per project the newest N, for D days. */
  private static void pruneKeptBuilds(Path state) {
    int keep = positive("LOCALBUILD_KEEP_BUILDS", KeptBuilds.DEFAULT_KEEP);
    int days = positive("LOCALBUILD_KEEP_DAYS", KeptBuilds.DEFAULT_KEEP_DAYS);
    new KeptBuilds(state).prune(keep, Duration.ofDays(days), java.time.Instant.now());
  }

  private static int positive(String variable, int otherwise) {
    String v = System.getenv(variable);
    try {
      return v == null ? otherwise : Math.max(1, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      System.err.println(
          "localbuild: " + variable + "=" + v + " is not a number; using " + otherwise);
      return otherwise;
    }
  }

  private void writeJson(Path file, BuildRecord record) throws IOException {
    JsonNode json = RecordJson.build(record);
    if ("batch-get-builds".equals(options.jsonShape)) {
      ObjectNode response = RecordJson.MAPPER.createObjectNode();
      response.putArray("builds").add(json);
      response.putArray("buildsNotFound");
      json = response;
    }
    if (file.toString().equals("-")) {
      System.out.println(RecordJson.MAPPER.writeValueAsString(json));
      System.out.flush();
      return;
    }
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    RecordJson.MAPPER.writeValue(abs.toFile(), json);
  }
}
