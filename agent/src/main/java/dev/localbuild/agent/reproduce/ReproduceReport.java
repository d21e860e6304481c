package dev.localbuild.agent.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The cloud build and its reproduction side by side: each phase's outcome both ways, the first
 * phase whose outcome differs, the variables that differ, and the first log line that differs once
 * what differs between any two runs (times, ids, the source's directory) is set aside.
 *
 * @param phases each phase in the order it ran, with its outcome in the cloud and here
 * @param firstDifference the first phase whose outcome differs, if any
 * @param variables variables whose value or type differ: name, cloud, here
 * @param image the image in the cloud and here, when they differ
 * @param firstLogDifference the first log line that differs, if any
 */
public record ReproduceReport(
    List<Row> phases,
    Optional<Row> firstDifference,
    List<Variable> variables,
    Optional<String> image,
    Optional<LogDifference> firstLogDifference) {

  /** A phase: its type and its outcome both ways ({@code null}: it did not run there). */
  public record Row(String phase, @Nullable String cloud, @Nullable String here) {
    boolean differs() {
      return !Objects.equals(cloud, here);
    }
  }

  /** A variable that differs; {@code null}: not set there. */
  public record Variable(String name, @Nullable String cloud, @Nullable String here) {}

  /** The first log line that differs (1-based line numbers; null: the log had ended). */
  public record LogDifference(
      int cloudLine, @Nullable String cloud, int hereLine, @Nullable String here) {}

  // queueing and provisioning are the host's, not the build's: CodeBuild's and this machine's
  // differ without saying anything about the build
  private static final Set<String> HOST_PHASES = Set.of("SUBMITTED", "QUEUED", "PROVISIONING");

  /** Compares the records (BatchGetBuilds' {@code Build}) and the logs' lines. */
  public static ReproduceReport of(
      JsonNode cloud, List<String> cloudLog, JsonNode here, List<String> hereLog) {
    Map<String, String> c = outcomes(cloud);
    Map<String, String> h = outcomes(here);
    List<Row> rows = new ArrayList<>();
    c.forEach((phase, outcome) -> rows.add(new Row(phase, outcome, h.get(phase))));
    h.forEach((phase, outcome) -> {
      if (!c.containsKey(phase)) {
        rows.add(new Row(phase, null, outcome));
      }
    });
    Optional<Row> first =
        rows.stream().filter(r -> !HOST_PHASES.contains(r.phase()) && r.differs()).findFirst();
    String cloudImage = cloud.path("environment").path("image").asText();
    String hereImage = here.path("environment").path("image").asText();
    return new ReproduceReport(
        rows,
        first,
        variables(cloud, here),
        cloudImage.equals(hereImage)
            ? Optional.empty()
            : Optional.of(cloudImage + " in the cloud, " + hereImage + " here"),
        firstLogDifference(cloudLog, hereLog));
  }

  /** Each phase's status, with the context of one that did not succeed. */
  static Map<String, String> outcomes(JsonNode build) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : build.path("phases")) {
      String type = p.path("phaseType").asText();
      if (type.equals("COMPLETED")) {
        continue;
      }
      String status = p.path("phaseStatus").asText("");
      StringBuilder s = new StringBuilder(status.isEmpty() ? "(did not end)" : status);
      for (JsonNode ctx : p.path("contexts")) {
        String code = ctx.path("statusCode").asText("");
        String message = ctx.path("message").asText("");
        if (!code.isEmpty() || !message.isEmpty()) {
          s.append(" (").append(code).append(message.isEmpty() ? "" : ": " + message).append(')');
        }
      }
      out.put(type, LogLines.normalized(s.toString()));
    }
    return out;
  }

  private static List<Variable> variables(JsonNode cloud, JsonNode here) {
    Map<String, String> c = variables(cloud);
    Map<String, String> h = variables(here);
    List<Variable> out = new ArrayList<>();
    c.forEach((name, value) -> {
      if (!Objects.equals(value, h.get(name))) {
        out.add(new Variable(name, value, h.get(name)));
      }
    });
    h.forEach((name, value) -> {
      if (!c.containsKey(name)) {
        out.add(new Variable(name, null, value));
      }
    });
    return out;
  }

  /** The environment's variables: {@code value}, or {@code value (TYPE)} when not plain text. */
  private static Map<String, String> variables(JsonNode build) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode v : build.path("environment").path("environmentVariables")) {
      String type = v.path("type").asText("PLAINTEXT");
      String value = v.path("value").asText("");
      out.put(
          v.path("name").asText(), type.equals("PLAINTEXT") ? value : value + " (" + type + ")");
    }
    return out;
  }

  static Optional<LogDifference> firstLogDifference(List<String> cloud, List<String> here) {
    int n = Math.max(cloud.size(), here.size());
    for (int i = 0; i < n; i++) {
      String c = i < cloud.size() ? cloud.get(i) : null;
      String h = i < here.size() ? here.get(i) : null;
      if (c == null || h == null || !LogLines.normalized(c).equals(LogLines.normalized(h))) {
        return Optional.of(new LogDifference(i + 1, c, i + 1, h));
      }
    }
    return Optional.empty();
  }

  /** Whether the reproduction ended as the cloud build did, phase by phase. */
  public boolean same() {
    return firstDifference.isEmpty();
  }

  /** The report, for a terminal: statuses in columns, a phase's reason under it. */
  public void print(PrintStream out, String cloudId, String hereId) {
    out.println();
    out.println("localbuild: the cloud build " + cloudId + " and its reproduction " + hereId + ":");
    String row = "  %-18s %-12s %-12s%s";
    out.println(String.format(row, "phase", "cloud", "here", "").stripTrailing());
    for (Row r : phases) {
      boolean differs = r.differs() && !HOST_PHASES.contains(r.phase());
      out.println(
          String.format(
                  row, r.phase(), status(r.cloud()), status(r.here()), differs ? "<- differs" : "")
              .stripTrailing());
      String cloudWhy = reason(r.cloud());
      String hereWhy = reason(r.here());
      if (cloudWhy != null && cloudWhy.equals(hereWhy)) {
        out.println("  " + " ".repeat(19) + cloudWhy);
      } else {
        if (cloudWhy != null) {
          out.println("  " + " ".repeat(19) + "cloud: " + cloudWhy);
        }
        if (hereWhy != null) {
          out.println("  " + " ".repeat(19) + "here: " + hereWhy);
        }
      }
    }
    image.ifPresent(i -> out.println("  image: " + i));
    for (Variable v : variables) {
      out.println(
          "  variable "
              + v.name()
              + ": "
              + (v.cloud() == null ? "not set" : v.cloud())
              + " in the cloud, "
              + (v.here() == null ? "not set" : v.here())
              + " here");
    }
    if (firstDifference.isPresent()) {
      Row r = firstDifference.get();
      out.println(
          "  first difference: "
              + r.phase()
              + ", "
              + (r.cloud() == null ? "not run" : status(r.cloud()))
              + " in the cloud and "
              + (r.here() == null ? "not run" : status(r.here()))
              + " here");
    } else {
      out.println("  no difference: every phase ended here as it did in the cloud");
    }
    firstLogDifference.ifPresentOrElse(
        d -> {
          out.println("  first differing log line:");
          out.println(
              "    cloud "
                  + d.cloudLine()
                  + ": "
                  + (d.cloud() == null ? "(the log had ended)" : d.cloud()));
          out.println(
              "    here  "
                  + d.hereLine()
                  + ": "
                  + (d.here() == null ? "(the log had ended)" : d.here()));
        },
        () -> out.println("  the logs match line for line (times, ids and directories aside)"));
  }

  private static String status(@Nullable String outcome) {
    if (outcome == null) {
      return "-";
    }
    int paren = outcome.indexOf(" (");
    return paren < 0 ? outcome : outcome.substring(0, paren);
  }

  private static @Nullable String reason(@Nullable String outcome) {
    if (outcome == null || !outcome.contains(" (")) {
      return null;
    }
    return outcome.substring(outcome.indexOf(" (") + 2, outcome.length() - 1);
  }
}
