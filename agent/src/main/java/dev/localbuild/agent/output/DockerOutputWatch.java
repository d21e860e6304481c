package dev.localbuild.agent.output;

import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Reads the build's output for what the summary should say about Docker: how many {@code docker
 * build} steps came from the layer cache (classic builder's {@code ---> Using cache}, BuildKit's
 * {@code CACHED}), and whether Docker Hub's pull rate limit was hit, which is then explained.
 */
public final class DockerOutputWatch implements LogSink {
  private static final Pattern CLASSIC_STEP = Pattern.compile("^Step \\d+/\\d+ : .*");
  private static final Pattern BUILDKIT_STEP = Pattern.compile("^#\\d+ \\[[^\\]]*\\d+/\\d+\\] .*");
  private static final Pattern BUILDKIT_CACHED = Pattern.compile("^#\\d+ CACHED$");

  private final LogSink next;
  private final AtomicInteger steps = new AtomicInteger();
  private final AtomicInteger cached = new AtomicInteger();
  private final AtomicBoolean rateLimited = new AtomicBoolean();
  private final AtomicBoolean unreachable = new AtomicBoolean();

  /**
   * A registry the build's daemon could not reach for a base image: BuildKit's "failed to resolve
   * source metadata" and the classic builder's or the daemon's network errors naming a registry.
   */
  private static final Pattern PULL_UNREACHABLE =
      Pattern.compile(
          "failed to resolve source metadata for .*|.*(Get \"https://[^\"]+/v2/|registry-1\\.docker\\.io).*"
              + "(dial tcp|i/o timeout|no such host|connection refused|TLS handshake timeout"
              + "|network is unreachable|Client\\.Timeout).*");

  public DockerOutputWatch(LogSink next) {
    this.next = next;
  }

  @Override
  public void accept(LogLine line) {
    if (line.source() != LogLine.Source.AGENT) {
      String t = line.text().strip();
      if (CLASSIC_STEP.matcher(t).matches() || BUILDKIT_STEP.matcher(t).matches()) {
        steps.incrementAndGet();
      } else if (t.equals("---> Using cache") || BUILDKIT_CACHED.matcher(t).matches()) {
        cached.incrementAndGet();
      }
      if (t.contains("toomanyrequests")) {
        rateLimited.set(true);
      } else if (PULL_UNREACHABLE.matcher(t).matches()) {
        unreachable.set(true);
      }
    }
    next.accept(line);
  }

  /** One line for the summary, or null when no image was built. */
  public String layerCacheSummary() {
    return steps.get() == 0
        ? null
        : "docker build: " + cached.get() + " of " + steps.get() + " steps from the layer cache";
  }

  /** What to do when the build's daemon could not reach a registry for an image, or null. */
  public String unreachableHint() {
    return unreachable.get()
        ? "The build's Docker daemon could not reach a registry for an image. Fix: --registry-mirror"
            + " URL, a pull-through cache it can reach (one on this machine: docker run -d -p"
            + " 5000:5000 -e REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io registry:2, then"
            + " --registry-mirror http://host.docker.internal:5000), or an image from a registry it"
            + " reaches (the local ECR)."
        : null;
  }

  /** The explanation of a Docker Hub rate limit, or null when none was hit. */
  public String rateLimitHint() {
    return rateLimited.get()
        ? "Docker Hub refused a pull (toomanyrequests: anonymous pull rate limit). Fix: set DOCKERHUB_USERNAME and"
            + " DOCKERHUB_PASSWORD (plain, parameter-store or secrets-manager) to log the build's daemon in, or use"
            + " --registry-mirror."
        : null;
  }
}
