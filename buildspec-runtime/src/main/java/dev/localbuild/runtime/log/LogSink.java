package dev.localbuild.runtime.log;

/**
 * Where a build's log lines go (the terminal, a file, the agent's log store). Called from several
 * threads (the engine and the output readers); implementations must be thread-safe.
 */
@FunctionalInterface
public interface LogSink {
  void accept(LogLine line);
}
