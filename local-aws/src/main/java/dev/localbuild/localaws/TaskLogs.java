package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What ECS's {@code awslogs} driver does for the local ECS: the output of a task's container whose
 * definition has an {@code awslogs} log configuration is a CloudWatch Logs stream, named as ECS
 * names it ({@code <awslogs-stream-prefix>/<container>/<task id>}). While the container runs the
 * stream is read from the engine; when the task stops, its output is kept in the state directory
 * (the container is removed, as ECS removes stopped tasks' containers), so a deploy that failed can
 * show why.
 */
final class TaskLogs {
  /** One log event: when, and the line. */
  record Event(long timestamp, String message) {}

  /** The most kept of a stopped container's output, as a bound on the state directory. */
  static final int KEPT_LINES = 10_000;

  private final DockerClient docker;
  private final Path dir;
  private final Map<String, String> live = new ConcurrentHashMap<>(); // stream key -> container

  TaskLogs(DockerClient docker, Path dir) {
    this.docker = docker;
    this.dir = dir;
  }

  /** Where a container's output goes, if its definition sends it to CloudWatch Logs. */
  static Optional<String[]> stream(
      JsonNode containerDefinition, String taskId, String containerId) {
    JsonNode lc = containerDefinition.path("logConfiguration");
    if (!"awslogs".equals(lc.path("logDriver").asText())) {
      return Optional.empty();
    }
    String group = lc.path("options").path("awslogs-group").asText("");
    if (group.isEmpty()) {
      return Optional.empty();
    }
    String prefix = lc.path("options").path("awslogs-stream-prefix").asText("");
    // without a prefix, ECS on EC2 names the stream by the container's id
    String stream =
        prefix.isEmpty()
            ? containerId
            : prefix + "/" + containerDefinition.path("name").asText() + "/" + taskId;
    return Optional.of(new String[] {group, stream});
  }

  /** A task's container started: its stream, if any, is read from the engine from now on. */
  void started(JsonNode containerDefinition, String taskId, String containerId) {
    stream(containerDefinition, taskId, containerId)
        .ifPresent(s -> {
          live.put(key(s[0], s[1]), containerId);
          try {
            Files.createDirectories(groupDir(s[0]));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** A task's container is about to be removed: its stream's events are kept. */
  void stopping(String containerId) {
    for (var e : live.entrySet()) {
      if (e.getValue().equals(containerId)) {
        String[] gs = e.getKey().split("\n", 2);
        List<Event> events = fromEngine(containerId);
        try {
          StringBuilder out = new StringBuilder();
          for (Event ev : events.subList(Math.max(0, events.size() - KEPT_LINES), events.size())) {
            out.append(Json.MAPPER.writeValueAsString(ev)).append('\n');
          }
          Files.createDirectories(groupDir(gs[0]));
          Files.writeString(file(gs[0], gs[1]), out);
        } catch (IOException ex) {
          // the stream is lost, as awslogs loses what it could not send
        }
        live.remove(e.getKey());
      }
    }
  }

  /**
   * A stream's events, oldest first.
   *
   * @throws AwsError ResourceNotFoundException, as CloudWatch Logs says it, for an unknown group or
   *     stream
   */
  List<Event> events(String group, String stream) {
    String container = live.get(key(group, stream));
    if (container != null) {
      return fromEngine(container);
    }
    if (!Files.isDirectory(groupDir(group))) {
      throw new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
    }
    Path f = file(group, stream);
    if (!Files.exists(f)) {
      throw new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");
    }
    try {
      List<Event> out = new ArrayList<>();
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank()) {
          out.add(Json.MAPPER.readValue(line, Event.class));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Event> fromEngine(String containerId) {
    List<Stamped> events = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    try {
      docker
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .withTimestamps(true)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                  synchronized (events) {
                    partial.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                      events.add(stamped(partial.substring(0, nl)));
                      partial.delete(0, nl + 1);
                    }
                  }
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException gone) {
      // removed meanwhile: what was read is all there is
    }
    synchronized (events) {
      if (!partial.isEmpty()) {
        events.add(stamped(partial.toString()));
      }
      // the engine sends stdout's lines and stderr's apart: their times (in nanoseconds) merge
      // them, as CloudWatch Logs orders awslogs' events; two lines written on the two streams a
      // moment apart can still be timed the other way round, there as here
      return events.stream()
          .sorted(java.util.Comparator.comparing(Stamped::at))
          .map(e -> new Event(e.at().toEpochMilli(), e.message()))
          .toList();
    }
  }

  private record Stamped(Instant at, String message) {}

  /** A line of {@code docker logs --timestamps}: an RFC 3339 time, a space, the line. */
  static Event event(String line) {
    Stamped s = stamped(line);
    return new Event(s.at().toEpochMilli(), s.message());
  }

  private static Stamped stamped(String line) {
    int sp = line.indexOf(' ');
    try {
      return new Stamped(Instant.parse(line.substring(0, sp)), line.substring(sp + 1));
    } catch (RuntimeException e) {
      return new Stamped(Instant.now(), line);
    }
  }

  private static String key(String group, String stream) {
    return group + "\n" + stream;
  }

  private Path groupDir(String group) {
    return dir.resolve(URLEncoder.encode(group, StandardCharsets.UTF_8));
  }

  private Path file(String group, String stream) {
    return groupDir(group).resolve(URLEncoder.encode(stream, StandardCharsets.UTF_8) + ".jsonl");
  }
}
