package dev.localbuild.agent.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The builds this machine keeps: each one's record ({@code batch-get-builds}' shape), its log and
 * the command that ran it, under {@code projects/<project>/}. Read for {@code localbuild history},
 * {@code logs} and {@code rerun}; pruned so that they stay bounded.
 */
public final class KeptBuilds {
  /** Builds kept per project, unless {@code LOCALBUILD_KEEP_BUILDS} says otherwise. */
  public static final int DEFAULT_KEEP = 100;

  /** How many days builds are kept, unless {@code LOCALBUILD_KEEP_DAYS} says otherwise. */
  public static final int DEFAULT_KEEP_DAYS = 90;

  private final Path projects;

  public KeptBuilds(Path stateDir) {
    this.projects = stateDir.resolve("projects");
  }

  /**
   * A kept build.
   *
   * @param project its project
   * @param number its build number
   * @param record its record, as {@code batch-get-builds} shows it
   */
  public record Kept(String project, long number, JsonNode record) {
    public String id() {
      return record.path("id").asText();
    }

    public String status() {
      return record.path("buildStatus").asText();
    }

    public @Nullable String sourceVersion() {
      JsonNode v = record.get("sourceVersion");
      return v == null ? null : v.asText();
    }

    public @Nullable Instant start() {
      return instant(record.path("startTime").asText(null));
    }

    public @Nullable Instant end() {
      return instant(record.path("endTime").asText(null));
    }

    public boolean complete() {
      return record.path("buildComplete").asBoolean(false);
    }

    private static @Nullable Instant instant(@Nullable String text) {
      try {
        return text == null ? null : Instant.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  /** The file a build's record is kept in. */
  public Path recordFile(String project, long number) {
    return projects.resolve(project).resolve("builds").resolve(number + ".json");
  }

  /** The file a build's log is kept in. */
  public Path logFile(String project, long number) {
    return projects.resolve(project).resolve("logs").resolve(number + ".log");
  }

  /** The file the command that ran a build is kept in (for {@code localbuild rerun}). */
  public Path commandFile(String project, long number) {
    return projects.resolve(project).resolve("builds").resolve(number + ".command.json");
  }

  /** The kept builds of a project (null: of every project), newest first. */
  public List<Kept> list(@Nullable String project) {
    List<Kept> out = new ArrayList<>();
    for (String p : project != null ? List.of(project) : projectNames()) {
      for (long n : numbers(p)) {
        read(p, n).ifPresent(out::add);
      }
    }
    out.sort(
        Comparator.comparing((Kept k) -> k.start() == null ? Instant.EPOCH : k.start())
            .thenComparing(Kept::number)
            .reversed());
    return out;
  }

  /**
   * A build by reference: {@code PROJECT:NUMBER}, its id ({@code PROJECT:UUID}) or its ARN.
   *
   * @throws IllegalArgumentException when the reference is neither
   */
  public Optional<Kept> find(String ref) {
    String r = ref.startsWith("arn:") ? ref.substring(ref.indexOf(":build/") + 7) : ref;
    int colon = r.lastIndexOf(':');
    if (colon <= 0
        || colon == r.length() - 1
        || ref.startsWith("arn:") && !ref.contains(":build/")) {
      throw new IllegalArgumentException(
          ref + ": expected PROJECT:NUMBER, a build id (PROJECT:UUID) or a build ARN");
    }
    String project = r.substring(0, colon);
    String rest = r.substring(colon + 1);
    if (rest.matches("\\d+")) {
      return read(project, Long.parseLong(rest));
    }
    return list(project).stream().filter(k -> k.id().equals(r)).findFirst();
  }

  /**
   * Removes what is beyond the bounds: per project, builds past the newest {@code keep} (by build
   * number), and builds that ended more than {@code maxAge} ago. Running builds are never removed.
   * Every {@code run} prunes, so only the records that may go are read: those past the newest
   * {@code keep}, and those whose file was last written (as its build ended) before the age limit.
   *
   * @return what was removed
   */
  public List<Kept> prune(int keep, Duration maxAge, Instant now) {
    List<Kept> removed = new ArrayList<>();
    Instant oldest = now.minus(maxAge);
    for (String p : projectNames()) {
      List<Long> numbers = numbers(p);
      for (int i = 0; i < numbers.size(); i++) {
        long n = numbers.get(i);
        boolean beyond = i >= keep;
        if (!beyond && !writtenBefore(recordFile(p, n), oldest)) {
          continue;
        }
        Kept k = read(p, n).orElse(null);
        if (k == null || !k.complete()) {
          continue;
        }
        Instant end = k.end();
        if (beyond || end != null && end.isBefore(oldest)) {
          remove(k);
          removed.add(k);
        }
      }
    }
    return removed;
  }

  /** A record's file name: its build number. */
  private static final java.util.regex.Pattern RECORD =
      java.util.regex.Pattern.compile("\\d+\\.json");

  /** A project's kept build numbers, newest first. */
  private List<Long> numbers(String project) {
    Path dir = projects.resolve(project).resolve("builds");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> RECORD.matcher(name).matches())
          .map(name -> Long.parseLong(name.substring(0, name.length() - 5)))
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static boolean writtenBefore(Path file, Instant when) {
    try {
      return Files.getLastModifiedTime(file).toInstant().isBefore(when);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  private void remove(Kept k) {
    Path base = projects.resolve(k.project());
    String n = Long.toString(k.number());
    try {
      Files.deleteIfExists(logFile(k.project(), k.number()));
      Files.deleteIfExists(commandFile(k.project(), k.number()));
      for (String outputs : List.of("artifacts", "reports")) {
        deleteTree(base.resolve(outputs).resolve(n));
      }
      Files.deleteIfExists(recordFile(k.project(), k.number())); // last: it is what lists it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove build " + k.id(), e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Optional<Kept> read(String project, long number) {
    Path file = recordFile(project, number);
    try {
      return Optional.of(new Kept(project, number, RecordJson.MAPPER.readTree(file.toFile())));
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // a record being replaced, or damaged: not listed
    }
  }

  private List<String> projectNames() {
    if (!Files.isDirectory(projects)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(projects)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + projects, e);
    }
  }
}
