package dev.localbuild.runtime;

import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.util.function.Consumer;

/**
 * The buildspec's {@code cache}: restored in DOWNLOAD_SOURCE, saved at the end of POST_BUILD. What
 * backs it (a local directory, S3, nothing) is the project's cache setting.
 */
public interface BuildCache {
  /**
   * Restores the cache into the sandbox, logging as CodeBuild does. A miss is not an error.
   *
   * @param spec the buildspec's cache section, or null when there is none
   * @param keys the evaluated key and fallback keys (the key first), empty without a key
   * @return whether something was restored (a hit), not a cache started empty (a miss)
   */
  boolean restore(
      CacheSpec spec, java.util.List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception;

  /** Saves the cache from the sandbox. */
  void save(CacheSpec spec, java.util.List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception;

  /** Whether the project has a cache at all (CodeBuild ignores {@code cache:} with NO_CACHE). */
  boolean enabled();

  /** The project has no cache (NO_CACHE): the buildspec's {@code cache} section is ignored. */
  BuildCache NONE =
      new BuildCache() {
        @Override
        public boolean restore(
            CacheSpec spec, java.util.List<String> keys, Sandbox sandbox, Consumer<String> log) {
          return false;
        }

        @Override
        public void save(
            CacheSpec spec, java.util.List<String> keys, Sandbox sandbox, Consumer<String> log) {}

        @Override
        public boolean enabled() {
          return false;
        }
      };
}
