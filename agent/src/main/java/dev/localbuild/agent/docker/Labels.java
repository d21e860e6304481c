package dev.localbuild.agent.docker;

import java.util.Map;

/**
 * The labels on everything localbuild creates in Docker, so that strays (a killed agent's build
 * containers and volumes) can be found and removed without touching anybody else's.
 */
public final class Labels {
  private Labels() {}

  public static final String BUILD = "dev.localbuild.build";
  public static final String PROJECT = "dev.localbuild.project";
  public static final String OWNER = "dev.localbuild.owner";
  public static final String ROLE = "dev.localbuild.role";

  /**
   * {@code <hostname>/<pid>@<start>}: the agent process that owns a resource. The start time (epoch
   * millis) tells a process from a later one with its pid and host name: a server in a container
   * that is restarted is pid 1 on the same host name again, and must still reap what its
   * predecessor left.
   */
  public static String owner() {
    return hostname()
        + "/"
        + ProcessHandle.current().pid()
        + "@"
        + started(ProcessHandle.current());
  }

  /** A process's start time as owner labels write it; empty when the system does not say. */
  static String started(ProcessHandle process) {
    return process.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse("");
  }

  static String hostname() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        h = "localhost";
      }
    }
    return h;
  }

  /** The labels of a resource of a build. */
  public static Map<String, String> of(String buildId, String project, String role) {
    return Map.of(BUILD, buildId, PROJECT, project, OWNER, owner(), ROLE, role);
  }
}
