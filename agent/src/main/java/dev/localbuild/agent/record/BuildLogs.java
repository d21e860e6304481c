package dev.localbuild.agent.record;

import dev.localbuild.runtime.event.BuildEvent;
import dev.localbuild.runtime.event.BuildEventSink;
import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.model.BuildRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Every build's log, kept next to its record ({@code projects/<project>/logs/<number>.log}) exactly
 * as the terminal showed it, secrets masked. Each line is flushed as it comes, so {@code localbuild
 * logs -f} follows a running build.
 */
public final class BuildLogs implements BuildEventSink {
  private final KeptBuilds kept;
  private final Map<String, Path> files = new HashMap<>();
  private final Map<String, Writer> open = new HashMap<>();

  public BuildLogs(Path stateDir) {
    this.kept = new KeptBuilds(stateDir);
  }

  /** Learns where a build's lines go; called with each record before its events. */
  public synchronized void learn(BuildRecord r) {
    files.putIfAbsent(r.id(), kept.logFile(r.projectName(), r.buildNumber()));
  }

  @Override
  public synchronized void accept(BuildEvent event) {
    try {
      switch (event) {
        case BuildEvent.Log l -> {
          Writer w = writer(l.buildId());
          if (w != null) {
            w.write(ContainerLogFormat.format(l.line()));
            w.write('\n');
            w.flush();
          }
        }
        case BuildEvent.BuildFinished f -> {
          Writer w = open.remove(f.buildId());
          if (w != null) {
            w.close();
          }
        }
        case BuildEvent.PhaseStarted s -> {}
        case BuildEvent.PhaseEnded e -> {}
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of " + event.buildId(), e);
    }
  }

  private Writer writer(String buildId) throws IOException {
    Writer w = open.get(buildId);
    if (w == null && files.containsKey(buildId)) {
      Path file = files.get(buildId);
      Files.createDirectories(file.getParent());
      w =
          new BufferedWriter(
              Files.newBufferedWriter(
                  file,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND));
      open.put(buildId, w);
    }
    return w;
  }
}
