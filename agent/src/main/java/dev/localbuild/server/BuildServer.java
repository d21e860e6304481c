package dev.localbuild.server;

import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.agent.build.LauncherConfig;
import dev.localbuild.localaws.LocalAwsProcess;
import dev.localbuild.server.api.ApiServer;
import dev.localbuild.server.api.CodeBuildApi;
import dev.localbuild.server.api.LogsApi;
import dev.localbuild.server.api.Operations;
import dev.localbuild.server.builds.BatchService;
import dev.localbuild.server.builds.BuildMetrics;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.fleet.FleetMember;
import dev.localbuild.server.sandbox.SandboxService;
import dev.localbuild.server.status.CommitStatuses;
import dev.localbuild.server.store.BuildNumberStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.DeliveryStore;
import dev.localbuild.server.store.KeyStore;
import dev.localbuild.server.store.SourceCredentialStore;
import dev.localbuild.server.store.Stores;
import dev.localbuild.server.web.WebPage;
import dev.localbuild.server.webhook.WebhookReceiver;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code localbuild serve}: a CodeBuild of one's own. Its state (projects, builds, logs, keys) is
 * in a database; its builds run through the same launcher as {@code localbuild run}.
 */
public final class BuildServer implements AutoCloseable {
  /** The account the server's ARNs name: the local AWS's. */
  public static final String ACCOUNT = LocalAwsProcess.ACCOUNT;

  /**
   * How a server runs.
   *
   * @param bind the address to listen on (loopback unless told otherwise)
   * @param port the port (0: any free one)
   * @param dataDir the data directory: the embedded database, the master key, build state
   * @param database a PostgreSQL URL, or null for the embedded database
   * @param concurrency builds that run at once
   * @param region the region ARNs name
   * @param warmContainers keep a started build container ready per recently used image
   * @param gitApis a Git host's API by server type, where it is not the public one (commit
   *     statuses)
   * @param fleet how this agent takes part in a fleet sharing the database
   * @param aws which AWS builds talk to: the server's local one, or an account (and endpoints) of
   *     the user's, which all agents of a fleet can share
   */
  public record Config(
      String bind,
      int port,
      Path dataDir,
      @Nullable String database,
      int concurrency,
      String region,
      boolean warmContainers,
      Map<String, java.net.URI> gitApis,
      Membership fleet,
      LauncherConfig.Aws aws) {
    /** With warm containers, alone on its database, as {@code serve} runs by default. */
    public Config(
        String bind,
        int port,
        Path dataDir,
        @Nullable String database,
        int concurrency,
        String region) {
      this(
          bind,
          port,
          dataDir,
          database,
          concurrency,
          region,
          true,
          Map.of(),
          Membership.ALONE,
          LauncherConfig.Aws.LOCAL);
    }
  }

  /**
   * How an agent takes part in a fleet.
   *
   * @param name its name (null: the one kept in its data directory)
   * @param fleet the fleet whose builds it takes (null: builds of projects that name none)
   * @param unassigned with a fleet, builds of projects that name none too
   * @param lease how long its builds are its own without a renewal
   */
  public record Membership(
      @Nullable String name, @Nullable String fleet, boolean unassigned, Duration lease) {
    public static final Membership ALONE =
        new Membership(null, null, true, FleetMember.Config.LEASE);
  }

  private final Database db;
  private final BuildLauncher launcher;
  private final BuildService service;
  private final BatchService batches;
  private final Vertx vertx;
  private final ApiServer api;
  private final int port;

  private BuildServer(
      Database db,
      BuildLauncher launcher,
      BuildService service,
      BatchService batches,
      Vertx vertx,
      ApiServer api,
      int port) {
    this.db = db;
    this.launcher = launcher;
    this.service = service;
    this.batches = batches;
    this.vertx = vertx;
    this.api = api;
    this.port = port;
  }

  /** Opens the store, recovers what the last server left, and serves. */
  public static BuildServer start(Config c, Consumer<String> log) throws Exception {
    Database db = Database.open(c.dataDir(), c.database());
    KeyStore keys = new KeyStore(db, c.dataDir(), ACCOUNT);
    Stores stores = Stores.of(db);
    BuildLauncher launcher =
        new BuildLauncher(
            new LauncherConfig(
                c.dataDir(), LauncherConfig.Executor.DOCKER, false, false, null, c.aws()),
            new BuildNumberStore(db));
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    // the port is known once the server listens; payload URLs, build links and the agent's
    // address in the fleet are made after
    java.util.concurrent.atomic.AtomicInteger listening =
        new java.util.concurrent.atomic.AtomicInteger();
    Membership m = c.fleet();
    BuildService service =
        new BuildService(
            launcher,
            stores,
            new FleetMember.Config(
                m.name() != null ? m.name() : FleetMember.nameIn(c.dataDir()),
                m.fleet(),
                m.unassigned(),
                c.concurrency(),
                m.lease()),
            c.region(),
            ACCOUNT,
            log,
            new BuildMetrics(metrics));
    BatchService batches =
        new BatchService(
            service, stores, new BuildNumberStore(db), c.region(), ACCOUNT, log, c.dataDir());
    SourceCredentialStore sourceCredentials = new SourceCredentialStore(db, keys);
    service.observe(
        new CommitStatuses(
                sourceCredentials,
                c.gitApis(),
                c.region(),
                id -> WebPage.link(baseUrl(c.bind(), listening.get()), id),
                log)
            ::record);
    if (c.warmContainers()) {
      launcher.keepWarmContainers();
    }
    Vertx vertx = Vertx.vertx();
    if (!c.aws().yourAccount()) {
      // the builds' local AWS (ECR, ECS, S3...) runs in this Vert.x when one needs it
      launcher.embedLocalAws(vertx);
    }
    CodeBuildApi codebuild =
        new CodeBuildApi(
            stores,
            service,
            batches,
            new SandboxService(service, stores, c.region(), ACCOUNT, log),
            c.region(),
            ACCOUNT,
            launcher::images,
            () -> baseUrl(c.bind(), listening.get()),
            sourceCredentials);
    DeliveryStore deliveries = new DeliveryStore(db);
    ApiServer api =
        new ApiServer(
            vertx,
            codebuild,
            new LogsApi(stores.builds(), c.region(), ACCOUNT),
            new WebhookReceiver(stores.projects(), deliveries, service),
            keys::find,
            log,
            new Operations(metrics, metrics::scrape, () -> health(db, launcher)),
            new WebPage(
                    vertx,
                    keys::find,
                    stores.projects(),
                    stores.builds(),
                    deliveries,
                    codebuild,
                    c.dataDir(),
                    log)
                ::mount);
    int port = api.listen(c.bind(), c.port());
    listening.set(port);
    service.recover(baseUrl(c.bind(), port));
    batches.start();
    return new BuildServer(db, launcher, service, batches, vertx, api, port);
  }

  /** The database and the Docker engine, each {@code ok} or what is wrong with it. */
  static Map<String, String> health(Database db, BuildLauncher launcher) {
    Map<String, String> checks = new LinkedHashMap<>();
    try {
      db.transact(c -> c.isValid(2));
      checks.put("database", "ok");
    } catch (SQLException e) {
      checks.put("database", String.valueOf(e.getMessage()));
    }
    checks.put("docker", launcher.engineProblem().orElse("ok"));
    return checks;
  }

  /** Where Git hosts reach this server: its address, or this host's name when it binds to all. */
  static String baseUrl(String bind, int port) {
    String host = bind;
    if (bind.equals("0.0.0.0") || bind.equals("::")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Stops accepting, lets running builds finish for the grace period, stops the rest. */
  public void shutdown(Duration grace) throws Exception {
    api.close();
    batches.close(); // its batches go on with another agent, or when this one starts again
    service.shutdown(grace);
    launcher.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    db.close();
  }

  @Override
  public void close() throws Exception {
    shutdown(Duration.ZERO);
  }
}
