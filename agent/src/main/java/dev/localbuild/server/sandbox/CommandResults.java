package dev.localbuild.server.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.runtime.shell.OutputLine;
import java.time.Instant;

/**
 * A command execution's record as it runs and ends: its output, kept up to {@link #KEEP} characters
 * a stream (the whole of it is in the session's log), and its exit code.
 */
final class CommandResults {
  /** The most of each stream a command's record keeps. */
  static final int KEEP = 256 * 1024;

  private CommandResults() {}

  /** What a command wrote, line by line, each stream apart. */
  static final class Output {
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private boolean stdoutCut;
    private boolean stderrCut;

    synchronized void add(OutputLine line) {
      boolean out = line.stream() == OutputLine.Stream.STDOUT;
      StringBuilder b = out ? stdout : stderr;
      if (b.length() + line.text().length() + 1 > KEEP) {
        if (out) {
          stdoutCut = true;
        } else {
          stderrCut = true;
        }
        return;
      }
      b.append(line.text());
      if (!line.cut()) {
        b.append('\n');
      }
    }

    synchronized void into(ObjectNode record) {
      put(record, "standardOutputContent", stdout, stdoutCut);
      put(record, "standardErrContent", stderr, stderrCut);
    }

    private static void put(ObjectNode r, String member, StringBuilder b, boolean cut) {
      String text =
          b.toString()
              + (cut ? "[localbuild: cut at 256 KiB; the session's log has all of it]\n" : "");
      if (!text.isEmpty()) {
        r.put(member, text); // an empty string is not a NonEmptyString: left out
      }
    }
  }

  static ObjectNode started(ObjectNode submitted) {
    ObjectNode r = submitted.deepCopy();
    r.put("status", "IN_PROGRESS");
    r.put("startTime", Instant.now().toString());
    return r;
  }

  /** Ended with an exit status: SUCCEEDED for 0, FAILED otherwise. */
  static ObjectNode finished(ObjectNode running, int exitStatus, Output output) {
    ObjectNode r = running.deepCopy();
    r.put("status", exitStatus == 0 ? "SUCCEEDED" : "FAILED");
    r.put("exitCode", String.valueOf(exitStatus));
    r.put("endTime", Instant.now().toString());
    output.into(r);
    return r;
  }

  /** Never ran, or did not finish: the sandbox stopped (StopSandbox, its timeout, its end). */
  static ObjectNode stopped(ObjectNode record, Output output) {
    ObjectNode r = record.deepCopy();
    r.put("status", "STOPPED");
    r.put("endTime", Instant.now().toString());
    output.into(r);
    return r;
  }

  static ObjectNode stopped(ObjectNode record) {
    return stopped(record, new Output());
  }
}
