package dev.localbuild.agent.record;

/**
 * Where a project's build numbers come from: files in the state directory for {@code localbuild
 * run} ({@link BuildNumbers}), the server's database for {@code serve}, where every agent sharing
 * the database must count on one counter.
 */
@FunctionalInterface
public interface BuildNumbering {
  /** The next number for a project: 1, 2, 3... never the same twice. */
  long next(String project);
}
