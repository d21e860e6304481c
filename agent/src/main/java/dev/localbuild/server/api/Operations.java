package dev.localbuild.server.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What operators read from the server: the meters requests are counted in, their Prometheus text
 * ({@code GET /metrics}), and the checks {@code GET /health} runs.
 *
 * @param health each dependency's state: {@code ok}, or what is wrong with it
 */
public record Operations(
    MeterRegistry registry, Supplier<String> scrape, Supplier<Map<String, String>> health) {

  /** Nothing scraped, nothing checked: for tests of the API alone. */
  public static Operations none() {
    return new Operations(new SimpleMeterRegistry(), () -> "", Map::of);
  }
}
