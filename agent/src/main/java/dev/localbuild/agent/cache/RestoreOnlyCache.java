package dev.localbuild.agent.cache;

import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.runtime.BuildCache;
import dev.localbuild.runtime.sandbox.Sandbox;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cache of an untrusted build: restored as usual, never saved, so that what a stranger's build
 * leaves in its cache paths never reaches the next build of the project.
 */
public final class RestoreOnlyCache implements BuildCache {
  private final BuildCache cache;

  public RestoreOnlyCache(BuildCache cache) {
    this.cache = cache;
  }

  @Override
  public boolean restore(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log)
      throws Exception {
    return cache.restore(spec, keys, sandbox, log);
  }

  @Override
  public void save(CacheSpec spec, List<String> keys, Sandbox sandbox, Consumer<String> log) {
    log.accept("Skip cache save: an untrusted build does not write caches");
  }

  @Override
  public boolean enabled() {
    return cache.enabled();
  }
}
