package dev.localbuild.agent.cli;

import dev.localbuild.agent.build.LauncherConfig;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.server.BuildServer;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.KeyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code localbuild serve}: CodeBuild's API for a team, on this host. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    header = "Serve CodeBuild's API: the AWS CLI and SDKs start builds here (--endpoint-url).",
    usageHelpWidth = 100,
    description = {
      "A long-running agent with CodeBuild's API (CreateProject, StartBuild, BatchGetBuilds,",
      "StopBuild, ...) and CloudWatch Logs' GetLogEvents for build logs, on the AWS JSON protocol,",
      "every request signed with a key from `localbuild serve keys create`. Builds wait in a queue,",
      "fair between projects, and run as `localbuild run` runs them. State is kept in a database in",
      "the data directory (or PostgreSQL with --database); a build that was running when the server",
      "died is FAULT when it starts again, and queued builds run. StartBuildBatch runs a",
      "buildspec's batch section, its builds queued like any. StartSandbox gives a project's",
      "environment to run commands in one by one (StartCommandExecution), for as long as asked.",
      "",
      "Several agents, on one host or many, share one PostgreSQL (--database): any of them",
      "answers for every build, and each takes queued builds (of its --fleet's projects) while it",
      "has a free slot. A build whose agent died is FAULT when the agent's --lease runs out.",
      "",
      "Example:",
      "  localbuild serve &",
      "  localbuild serve keys create          # {\"accessKeyId\": ..., \"secretAccessKey\": ...}",
      "  aws codebuild list-projects --endpoint-url http://127.0.0.1:4591",
      "",
    },
    subcommands = {ServeCommand.Keys.class})
final class ServeCommand implements Callable<Integer> {
  /** Where the server keeps its state. */
  static final class Store {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "The server's data directory (default: $LOCALBUILD_HOME/server).")
    Path dataDir;

    @Option(
        names = "--database",
        paramLabel = "URL",
        description =
            "postgresql://[USER[:PASSWORD]@]HOST[:PORT]/NAME (default: a database in the data"
                + " directory).")
    String database;

    Path dataDir() {
      return (dataDir != null ? dataDir : StateDir.resolve().resolve("server")).toAbsolutePath();
    }
  }

  @Mixin Store store;

  @Mixin AwsOptions aws = new AwsOptions();

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "The address to listen on (default: 127.0.0.1, this machine only).")
  String bind = "127.0.0.1";

  @Option(names = "--port", paramLabel = "PORT", description = "The port (default: 4591).")
  int port = 4591;

  @Option(
      names = "--no-warm-containers",
      description =
          "Do not keep a started build container ready per recently used image (by default one"
              + " is, so StartBuild does not wait for a container).")
  boolean noWarmContainers;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Builds that run at once (default: from this machine's cores and memory).")
  Integer concurrency;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The region ARNs name (default: AWS_REGION, else us-east-1).")
  String region;

  @Option(
      names = "--stop-grace",
      paramLabel = "DURATION",
      description =
          "On SIGTERM, how long running builds may go on before they are stopped (default: 60s).")
  String stopGrace = "60s";

  @Option(
      names = "--fleet",
      paramLabel = "NAME",
      description =
          "Join this fleet (CreateFleet): take only the builds of projects whose"
              + " environment.fleet names it. Without it, an agent takes the builds of projects"
              + " that name no fleet.")
  String fleet;

  @Option(
      names = "--take-unassigned",
      description = "With --fleet, take the builds of projects that name no fleet too.")
  boolean takeUnassigned;

  @Option(
      names = "--agent-name",
      paramLabel = "NAME",
      description =
          "This agent's name among those sharing the database (default: one made once and kept"
              + " in the data directory).")
  String agentName;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      description =
          "How long this agent's builds stay its own without a renewal (default: 30s). When it"
              + " dies, another agent records its running builds as FAULT this long after its last"
              + " renewal; cut off from the database, it stops them after half of it.")
  String lease = "30s";

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "The server's own log on stderr: text (localbuild: lines) or json (one object a line:"
              + " time, level, message). Credentials are masked in both.")
  String logFormat = "text";

  @Option(
      names = "--git-api",
      paramLabel = "TYPE=URL",
      description =
          "A Git host's API for build statuses where it is not the public one, by source"
              + " credential type: GITHUB_ENTERPRISE=https://git.example.com/api/v3,"
              + " GITLAB_SELF_MANAGED=https://gitlab.example.com/api/v4 (repeatable).")
  java.util.List<String> gitApi = new java.util.ArrayList<>();

  static java.util.Map<String, java.net.URI> gitApis(java.util.List<String> values)
      throws CommandLineOrder.SetupException {
    java.util.Map<String, java.net.URI> out = new java.util.LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      String type = eq < 0 ? "" : v.substring(0, eq);
      if (!type.matches("GITHUB|GITHUB_ENTERPRISE|GITLAB|GITLAB_SELF_MANAGED|BITBUCKET")
          || !v.substring(eq + 1).matches("https?://.+")) {
        throw new CommandLineOrder.SetupException(
            "--git-api "
                + v
                + ": expected TYPE=URL, TYPE one of GITHUB, GITHUB_ENTERPRISE,"
                + " GITLAB, GITLAB_SELF_MANAGED, BITBUCKET");
      }
      out.put(type, java.net.URI.create(v.substring(eq + 1)));
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    try {
      gitApis(gitApi);
      CommandLineOrder.awsEndpoints(aws.awsEndpoints, aws.awsConfig);
      if (aws.profile != null && !aws.awsConfig) {
        throw new CommandLineOrder.SetupException("-p goes with -c");
      }
    } catch (CommandLineOrder.SetupException e) {
      System.err.println("localbuild: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      System.err.println("localbuild: --log-format " + logFormat + ": expected text or json");
      return ExitCodes.USAGE;
    }
    ServerLog log =
        new ServerLog(System.err, logFormat.equals("json"), java.time.Clock.systemUTC());
    Duration grace;
    try {
      grace = CommandLineOrder.duration("--stop-grace", stopGrace);
    } catch (CommandLineOrder.SetupException e) {
      System.err.println("localbuild: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Duration leaseLength;
    try {
      leaseLength = CommandLineOrder.duration("--lease", lease);
    } catch (CommandLineOrder.SetupException e) {
      System.err.println("localbuild: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (leaseLength.compareTo(Duration.ofSeconds(2)) < 0) {
      System.err.println("localbuild: --lease " + lease + ": expected 2s or more");
      return ExitCodes.USAGE;
    }
    if (fleet != null && !fleet.matches("[A-Za-z0-9][A-Za-z0-9\\-_]{1,127}")) {
      System.err.println(
          "localbuild: --fleet " + fleet + ": a fleet name is 2 to 128 letters, digits, - and _");
      return ExitCodes.USAGE;
    }
    if (takeUnassigned && fleet == null) {
      System.err.println("localbuild: --take-unassigned goes with --fleet NAME");
      return ExitCodes.USAGE;
    }
    if (agentName != null && !agentName.matches("[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}")) {
      System.err.println(
          "localbuild: --agent-name "
              + agentName
              + ": up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit");
      return ExitCodes.USAGE;
    }
    int n = concurrency != null ? concurrency : defaultConcurrency();
    if (n < 1) {
      System.err.println("localbuild: --concurrency " + n + ": expected 1 or more");
      return ExitCodes.USAGE;
    }
    String r =
        region != null
            ? region
            : System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : "us-east-1";
    BuildServer server;
    try {
      server =
          BuildServer.start(
              new BuildServer.Config(
                  bind,
                  port,
                  store.dataDir(),
                  store.database,
                  n,
                  r,
                  !noWarmContainers,
                  gitApis(gitApi),
                  new BuildServer.Membership(agentName, fleet, takeUnassigned, leaseLength),
                  aws.awsConfig
                      ? new LauncherConfig.Aws(
                          true, aws.profile, aws.awsEndpoints, false, java.util.List.of())
                      : LauncherConfig.Aws.LOCAL),
              log);
    } catch (java.sql.SQLException e) {
      System.err.println("localbuild: cannot open the database: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.accept("stopping: running builds have " + stopGrace);
                  try {
                    server.shutdown(grace);
                  } catch (Exception e) {
                    log.accept("while stopping: " + e);
                  }
                  stopped.countDown();
                },
                "localbuild-serve-stop"));
    log.accept(
        "serving CodeBuild's API on http://"
            + bind
            + ":"
            + server.port()
            + " ("
            + n
            + " builds at once; data in "
            + (store.database != null ? "the database" : store.dataDir())
            + (fleet != null ? "; fleet " + fleet : "")
            + ")");
    stopped.await();
    return 0;
  }

  /** A build wants about 4 GiB and a core: as many as this machine has of both, at least one. */
  static int defaultConcurrency() {
    long memory =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    int byMemory = (int) (memory / (4L << 30));
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), byMemory));
  }

  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "The access keys requests to the server are signed with.",
      subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
  static final class Keys implements Runnable {
    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.err);
    }

    /** Work on the key store, the database closed after. */
    interface Work {
      int run(KeyStore keys) throws Exception;
    }

    static int withKeys(Store store, Work work) throws Exception {
      try (Database db = Database.open(store.dataDir(), store.database)) {
        return work.run(new KeyStore(db, store.dataDir(), BuildServer.ACCOUNT));
      }
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Issues a key and prints it as JSON: the only time its secret is shown.")
    static final class Create implements Callable<Integer> {
      @Mixin Store store;

      @Override
      public Integer call() throws Exception {
        return withKeys(
            store,
            keys -> {
              KeyStore.Issued k = keys.create();
              System.out.println(
                  "{\"accessKeyId\": \""
                      + k.accessKeyId()
                      + "\", \"secretAccessKey\": \""
                      + k.secretAccessKey()
                      + "\"}");
              return 0;
            });
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the keys.")
    static final class ListKeys implements Callable<Integer> {
      @Mixin Store store;

      @Override
      public Integer call() throws Exception {
        return withKeys(store, ListKeys::print);
      }

      private static int print(KeyStore keys) throws Exception {
        System.out.printf("%-24s %-24s %s%n", "ACCESS KEY ID", "CREATED", "REVOKED");
        for (KeyStore.Listed k : keys.list()) {
          System.out.printf(
              "%-24s %-24s %s%n",
              k.accessKeyId(),
              k.created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
              k.revoked() == null
                  ? "-"
                  : k.revoked().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        return 0;
      }
    }

    @Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = "Revokes a key: requests signed with it are refused from now on.")
    static final class Revoke implements Callable<Integer> {
      @Mixin Store store;

      @Parameters(paramLabel = "ACCESS_KEY_ID")
      String id;

      @Override
      public Integer call() throws Exception {
        return withKeys(
            store,
            keys -> {
              if (!keys.revoke(id)) {
                System.err.println(
                    "localbuild: no key " + id + " to revoke (see: localbuild serve keys list)");
                return ExitCodes.USAGE;
              }
              System.err.println("localbuild: revoked " + id);
              return 0;
            });
      }
    }
  }
}
