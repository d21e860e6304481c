package dev.localbuild.server.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.server.store.AgentStore;
import dev.localbuild.server.store.Database;
import dev.localbuild.server.store.QueueStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * This agent's place among the agents sharing the database: it registers, renews its lease,
 * declares lost the agents whose leases ran out, and hears which of its builds to stop. When its
 * own lease is fenced (declared lost, or not renewed for half its length) it stops every build it
 * runs and joins again under a new id: what the old id held is the reaper's, exactly once.
 */
public final class FleetMember implements AutoCloseable {
  /**
   * How this agent takes part.
   *
   * @param name the agent's name, the same across its restarts
   * @param fleet the fleet whose builds it takes; null: builds of no fleet
   * @param unassigned with a fleet, builds of no fleet too
   * @param capacity builds it runs at once
   * @param lease the lease's length
   */
  public record Config(
      String name, @Nullable String fleet, boolean unassigned, int capacity, Duration lease) {
    /** The default lease: renewed every 6 s; a dead agent's builds are FAULT 30 s after. */
    public static final Duration LEASE = Duration.ofSeconds(30);
  }

  /** An agent alone on its database (H2), with {@code capacity} slots. */
  public static Config solo(int capacity) {
    return new Config("localbuild", null, true, capacity, Config.LEASE);
  }

  /**
   * This data directory's agent name, made once ({@code HOST-xxxxxx}) and kept there, so that an
   * agent started again with it knows its last run's builds for its own.
   */
  public static String nameIn(java.nio.file.Path dataDir) throws java.io.IOException {
    java.nio.file.Path file = dataDir.resolve("agent-name");
    if (java.nio.file.Files.exists(file)) {
      return java.nio.file.Files.readString(file).trim();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    String name = host + "-" + UUID.randomUUID().toString().substring(0, 6);
    java.nio.file.Files.createDirectories(dataDir);
    java.nio.file.Files.writeString(file, name + "\n");
    return name;
  }

  /** What the member does to this agent's builds. */
  public interface Builds {
    /** How many run now. */
    int running();

    /** Stops one (StopBuild sent to another agent), if it runs here. */
    void stop(String id);

    /** Stops every build: this agent's lease is gone, so are its claims. */
    void stopAll(String why);
  }

  private final AgentStore agents;
  private final QueueStore queue;
  private final Database db;
  private final Config config;
  private final InstantSource clock;
  private final Consumer<String> log;
  private final BiConsumer<ObjectNode, String> fault;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          2, Thread.ofPlatform().name("localbuild-lease-", 0).daemon().factory());
  private volatile @Nullable String id;
  private volatile @Nullable AgentLease lease;
  private volatile Builds builds;
  // where its API listens, known once it listens: join says
  private volatile String address = "";

  /**
   * @param fault ends a build's record as FAULT, with the reason given
   */
  public FleetMember(
      Database db,
      AgentStore agents,
      QueueStore queue,
      Config config,
      InstantSource clock,
      Consumer<String> log,
      BiConsumer<ObjectNode, String> fault) {
    this.db = db;
    this.agents = agents;
    this.queue = queue;
    this.config = config;
    this.clock = clock;
    this.log = log;
    this.fault = fault;
  }

  /**
   * Joins: this agent's earlier runs are dead (their builds FAULT now, not after their lease), and
   * this run registers.
   */
  public void join(String address) throws SQLException {
    this.address = address;
    for (AgentStore.Lost l :
        agents.declareLost(
            clock.millis(),
            config.name(),
            (r, name) ->
                fault.accept(
                    r,
                    "The localbuild server stopped before the build finished (agent "
                        + name
                        + " started again)"))) {
      said(l, "when it started again");
    }
    register();
  }

  private void register() throws SQLException {
    String next = config.name() + "/" + UUID.randomUUID().toString().substring(0, 8);
    long now = clock.millis();
    agents.register(
        new AgentStore.Agent(
            next,
            config.name(),
            config.fleet(),
            config.unassigned(),
            config.capacity(),
            0,
            address,
            now,
            now + config.lease().toMillis(),
            "ACTIVE"));
    lease = new AgentLease(agents::renew, next, config.lease(), clock);
    id = next;
  }

  /** Starts renewing, reaping and hearing stop requests, for these builds. */
  public void start(Builds builds) {
    this.builds = builds;
    long every = Math.max(100, config.lease().dividedBy(5).toMillis());
    timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::watch, 100, 100, TimeUnit.MILLISECONDS);
    // NOTIFY is fast, and the listener is told (null) when it may have missed some; the look
    // every 5 s is for an agent alone on H2 between two transactions' notices, and belt and braces
    db.listen(QueueStore.STOP, payload -> timer.execute(this::stopRequested));
    timer.scheduleWithFixedDelay(this::stopRequested, 5, 5, TimeUnit.SECONDS);
  }

  /** This run's id, or null while it is fenced and not yet joined again. */
  public @Nullable String id() {
    return id;
  }

  /** Which builds this agent takes. */
  public QueueStore.Takes takes() {
    return new QueueStore.Takes(config.fleet(), config.fleet() == null || config.unassigned());
  }

  public Config config() {
    return config;
  }

  private void renew() {
    AgentLease l = lease;
    try {
      if (l == null) {
        register(); // fenced before: join again now that the database answers
        log.accept("joined again as " + id);
        return;
      }
      if (l.renew(builds.running()) instanceof AgentLease.Outcome.Fenced f) {
        fence(f);
        return;
      }
      for (AgentStore.Lost lost :
          agents.declareLost(
              clock.millis(), null, (r, name) -> fault.accept(r, faultReason(name)))) {
        said(lost, "its lease ran out");
      }
    } catch (SQLException | RuntimeException e) {
      // the database is away: the watch fences this agent if it stays away
    }
  }

  /** Fences this agent when its lease is half gone without a renewal (see {@link AgentLease}). */
  void watch() {
    if (!db.shared()) {
      // alone on H2 nobody can take its builds over, so a stall (a laptop asleep, a long pause)
      // must not stop them: fencing is for agents that share a database
      return;
    }
    AgentLease l = lease;
    if (l != null && l.check() instanceof AgentLease.Outcome.Fenced f) {
      fence(f);
    }
  }

  private synchronized void fence(AgentLease.Outcome.Fenced f) {
    if (lease == null) {
      return;
    }
    String was = id;
    lease = null;
    id = null;
    log.accept("agent " + was + " lost its lease (" + f.why() + "): stopping its builds");
    builds.stopAll("The localbuild agent " + config.name() + " lost its lease: " + f.why());
  }

  private void stopRequested() {
    String me = id;
    if (me == null) {
      return;
    }
    try {
      for (String build : queue.stopRequests(me)) {
        builds.stop(build);
      }
    } catch (SQLException e) {
      // the database is away: asked again at the next look
    }
  }

  private void said(AgentStore.Lost l, String why) {
    log.accept(
        "agent "
            + l.id()
            + " is lost ("
            + why
            + "): "
            + (l.faulted().isEmpty()
                ? "no running builds"
                : "FAULT " + String.join(", ", l.faulted())));
  }

  /** The reason a lost agent's build records. */
  public static String faultReason(String agentName) {
    return "The localbuild agent "
        + agentName
        + " stopped renewing its lease (it died or lost the database) while the build ran";
  }

  /** Leaves: the lease ends now, not when it runs out. */
  @Override
  public void close() {
    timer.shutdownNow();
    String me = id;
    if (me != null) {
      try {
        agents.leave(me);
      } catch (SQLException e) {
        // its lease runs out instead
      }
    }
  }
}
