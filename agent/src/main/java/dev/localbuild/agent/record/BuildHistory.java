package dev.localbuild.agent.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.runtime.model.BuildRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps every build's record on disk ({@code projects/<project>/builds/<number>.json}) as it
 * changes, and a marker for each build in progress naming the agent process that runs it. A build
 * whose agent died (killed, crashed) is found by its marker and recorded as FAULT: nothing is lost,
 * nothing stays IN_PROGRESS forever.
 */
public final class BuildHistory {
  private final Path projects;
  private final Path running;

  public BuildHistory(Path stateDir) {
    this.projects = stateDir.resolve("projects");
    this.running = stateDir.resolve("running");
  }

  /** The file a build's record is kept in. */
  public Path recordFile(String project, long buildNumber) {
    return projects.resolve(project).resolve("builds").resolve(buildNumber + ".json");
  }

  /** Saves a record; marks the build running until it completes. */
  public void save(BuildRecord r) {
    try {
      Path file = recordFile(r.projectName(), r.buildNumber());
      writeAtomically(file, RecordJson.MAPPER.writeValueAsBytes(RecordJson.build(r)));
      Path marker = running.resolve(r.id().substring(r.id().indexOf(':') + 1) + ".json");
      if (r.buildComplete()) {
        Files.deleteIfExists(marker);
      } else if (!Files.exists(marker)) {
        ObjectNode m = RecordJson.MAPPER.createObjectNode();
        m.put("pid", ProcessHandle.current().pid());
        // a pid is reused after its process ends: the start time tells the two apart
        m.put(
            "started", String.valueOf(ProcessHandle.current().info().startInstant().orElse(null)));
        m.put("record", file.toString());
        writeAtomically(marker, RecordJson.MAPPER.writeValueAsBytes(m));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the build record of " + r.id(), e);
    }
  }

  /**
   * Finds builds whose agent process is gone and records them as FAULT.
   *
   * @return the ids of the builds so recorded
   */
  public List<String> recoverAbandoned() {
    List<String> recovered = new ArrayList<>();
    if (!Files.isDirectory(running)) {
      return recovered;
    }
    try (Stream<Path> markers = Files.list(running)) {
      for (Path marker : markers.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode m;
        try {
          m = RecordJson.MAPPER.readTree(Files.readAllBytes(marker));
        } catch (NoSuchFileException gone) {
          continue; // finished, or claimed by another agent, since the listing
        }
        long pid = m.path("pid").asLong();
        if (alive(pid, m.path("started").asText(null))) {
          continue;
        }
        // claim it: of two agents that found it, only the one whose move succeeds records it
        Path claimed =
            marker.resolveSibling(
                marker.getFileName() + ".claimed-" + ProcessHandle.current().pid());
        try {
          Files.move(marker, claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException taken) {
          continue;
        }
        Path record = Path.of(m.path("record").asText());
        if (Files.exists(record)) {
          ObjectNode r = (ObjectNode) RecordJson.MAPPER.readTree(record.toFile());
          if (!r.path("buildComplete").asBoolean(false)) {
            fault(r, pid);
            writeAtomically(record, RecordJson.MAPPER.writeValueAsBytes(r));
            recovered.add(r.path("id").asText());
          }
        }
        Files.deleteIfExists(claimed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the builds in progress in " + running, e);
    }
    return recovered;
  }

  /**
   * Whether the process that wrote a marker still runs (the same process, not a reuse of its pid).
   */
  static boolean alive(long pid, @org.jspecify.annotations.Nullable String started) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(h ->
            started == null
                || started.equals("null")
                || started.equals(String.valueOf(h.info().startInstant().orElse(null))))
        .orElse(false);
  }

  /** Ends a record left IN_PROGRESS: the running phase and the build become FAULT. */
  public static void fault(ObjectNode r, long pid) {
    fault(r, "The localbuild agent (process " + pid + ") stopped before the build finished");
  }

  /** Ends a record left IN_PROGRESS, saying why: the running phase and the build become FAULT. */
  public static void fault(ObjectNode r, String why) {
    String now = RecordJson.time(Instant.now());
    ArrayNode phases = (ArrayNode) r.path("phases");
    boolean said = false;
    for (JsonNode p : phases) {
      if ("IN_PROGRESS".equals(p.path("phaseStatus").asText())) {
        faulted((ObjectNode) p, now, why);
        said = true;
      }
    }
    if (!said) {
      // stopped between two phases: the reason still needs a phase to be told in
      faulted(phases.addObject().put("phaseType", "FINALIZING").put("startTime", now), now, why);
    }
    phases.addObject().put("phaseType", "COMPLETED").put("startTime", now);
    r.put("currentPhase", "COMPLETED");
    r.put("buildStatus", "FAULT");
    r.put("endTime", now);
    r.put("buildComplete", true);
  }

  private static void faulted(ObjectNode phase, String now, String why) {
    phase.put("phaseStatus", "FAULT");
    phase.put("endTime", now);
    phase.putArray("contexts").addObject().put("statusCode", "AGENT_ERROR").put("message", why);
  }

  static void writeAtomically(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    // a temporary name of this process's own: two agents never write one file together
    Path tmp =
        file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.write(tmp, content);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
