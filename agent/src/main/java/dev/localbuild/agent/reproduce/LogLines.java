package dev.localbuild.agent.reproduce;

/** Log lines compared across two runs of a build. */
public final class LogLines {
  private LogLines() {}

  /**
   * A line without what differs between any two runs of the same build: the agent's timestamps, ids
   * (UUIDs), the source's directory, durations.
   */
  public static String normalized(String s) {
    return s.replaceAll(
            "^\\[Container\\] \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+ ", "[Container] ")
        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
        .replaceAll("/codebuild/output/src\\d+", "/codebuild/output/src<n>")
        .replaceAll("\\d+(\\.\\d+)? ?(seconds|ms|s)\\b", "<n> $2");
  }
}
