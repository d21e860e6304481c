package dev.localbuild.server.fleet;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * One agent run's lease on its builds, renewed every fifth of its length. Another agent declares it
 * lost when the lease has run out; this side gives up first, at half the lease without a renewal,
 * so that an agent cut off from the database stops its builds before anyone can say they are lost,
 * and nothing runs twice. One thread renews; another may {@link #check} at any time, since a
 * renewal to a database that stopped answering can hang for as long as the socket's timeout.
 */
public final class AgentLease {
  /** Where the lease is kept: the database, or a test's fake. */
  @FunctionalInterface
  public interface Leases {
    /**
     * @return false when the lease is no longer this agent's (it was declared lost)
     */
    boolean renew(String agentId, long untilMillis, int running) throws SQLException;
  }

  /** What a renewal found. */
  public sealed interface Outcome {
    /** Renewed. */
    record Held() implements Outcome {}

    /** Not renewed this time, but the lease still has more than half its time: try again. */
    record Unsure(String why) implements Outcome {}

    /** Not this agent's any more: its builds must stop, and it joins again under a new id. */
    record Fenced(String why) implements Outcome {}
  }

  private final Leases leases;
  private final String agentId;
  private final Duration length;
  private final InstantSource clock;
  private volatile Instant renewed;
  private volatile Outcome.Fenced fenced;

  public AgentLease(Leases leases, String agentId, Duration length, InstantSource clock) {
    this.leases = leases;
    this.agentId = agentId;
    this.length = length;
    this.clock = clock;
    this.renewed = clock.instant(); // registering took the first lease
  }

  /** How often to renew. */
  public Duration interval() {
    return length.dividedBy(5);
  }

  public Outcome renew(int running) {
    Outcome.Fenced f = fenced;
    if (f != null) {
      return f;
    }
    Instant now = clock.instant();
    try {
      if (leases.renew(agentId, now.plus(length).toEpochMilli(), running)) {
        renewed = now;
        return check();
      }
      return fence("another agent declared this one lost: its lease had run out");
    } catch (SQLException e) {
      Outcome o = check();
      return o instanceof Outcome.Fenced ? o : new Outcome.Unsure(String.valueOf(e.getMessage()));
    }
  }

  /** Fenced when the last renewal is half a lease ago, else held: no database call. */
  public Outcome check() {
    Outcome.Fenced f = fenced;
    if (f != null) {
      return f;
    }
    Duration since = Duration.between(renewed, clock.instant());
    if (since.compareTo(length.dividedBy(2)) >= 0) {
      return fence(
          "its lease was not renewed for "
              + since.toMillis() / 1000.0
              + " s: the database is away");
    }
    return new Outcome.Held();
  }

  private synchronized Outcome.Fenced fence(String why) {
    if (fenced == null) {
      fenced = new Outcome.Fenced(why);
    }
    return fenced;
  }
}
