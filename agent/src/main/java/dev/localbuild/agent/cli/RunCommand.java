package dev.localbuild.agent.cli;

import dev.localbuild.agent.cache.LocalCaches;
import dev.localbuild.agent.record.BuildHistory;
import dev.localbuild.agent.record.BuildNumbers;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.runtime.BuildEngine;
import dev.localbuild.runtime.BuildIdentity;
import dev.localbuild.runtime.BuildRecord;
import dev.localbuild.runtime.BuildRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
      return run(BuildSetup.from(options, System.getenv()));
    } catch (BuildSetup.SetupException e) {
      spec.commandLine().getErr().println("localbuild: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }

  private int run(BuildSetup setup) throws Exception {
    Path state = StateDir.resolve();
    setup.notes().forEach(n -> System.err.println("localbuild: " + n));
    BuildHistory history = new BuildHistory(state);
    for (String id : history.recoverAbandoned()) {
      System.err.println(
          "localbuild: build " + id + " was left unfinished by a stopped agent; recorded as FAULT");
    }
    try (AwsSetup aws = AwsSetup.create(options, setup, state, AwsSetup.buildspecText(setup));
        Executor executor = Executor.create(options, setup, state, aws)) {
      BuildRequest request = setup.request();
      BuildNumbers numbers = new BuildNumbers(state);
      BuildIdentity id =
          new BuildIdentity(
              request.projectName(),
              UUID.randomUUID(),
              numbers.next(request.projectName()),
              setup.region(),
              aws.accountId(),
              Instant.now(),
              setup.initiator());
      Outputs outputs = Outputs.create(options, state, request.projectName(), id.buildNumber());
      AtomicReference<BuildRecord> last = new AtomicReference<>();
      BuildEngine engine =
          new BuildEngine(
              outputs.services(
                  executor,
                  aws,
                  setup.project(),
                  r -> {
                    last.set(r);
                    history.save(r);
                  }));
      CountDownLatch done = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                engine.stop();
                try {
                  // let the build clean up, record STOPPED and print its summary
                  done.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "localbuild-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      BuildRecord record;
      int exit;
      try {
        try {
          record = engine.run(request, id, () -> numbers.next(request.projectName()));
        } finally {
          engine.close();
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook waits for the record and summary below, then the JVM exits with 130
        }
        if (options.json != null) {
          writeJson(options.json, record);
        }
        new RunSummary(System.err)
            .print(record, outputs, history.recordFile(record.projectName(), record.buildNumber()));
        exit = ExitCodes.of(record.buildStatus());
      } finally {
        // only now may a Ctrl-C end the JVM: the record and the summary are written
        done.countDown();
      }
      for (var e :
          new LocalCaches(state).pruneIfDue(LocalCaches.DEFAULT_LIMIT, Duration.ofHours(1))) {
        System.err.println(
            "localbuild: removed the least recently used "
                + e.kind()
                + " cache "
                + e.name()
                + " ("
                + CacheCommand.human(e.bytes())
                + ") to keep caches under 20 GiB");
      }
      if (options.deploy != null && exit == ExitCodes.SUCCEEDED) {
        exit =
            new DeployStep(options, aws).run(outputs.artifactsDir())
                ? exit
                : ExitCodes.DEPLOY_FAILED;
      }
      return exit;
    }
  }

  private static void writeJson(Path file, BuildRecord record) throws IOException {
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    RecordJson.MAPPER.writeValue(abs.toFile(), RecordJson.build(record));
  }
}
