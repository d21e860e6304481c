package dev.localbuild.runtime.event;

/**
 * Consumes a build's events (a log file, a database, a live page). Called on the build's threads.
 */
@FunctionalInterface
public interface BuildEventSink {
  void accept(BuildEvent event);
}
