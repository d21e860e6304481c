package dev.localbuild.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The runtimes a build image offers, read from {@code /codebuild/image/config/runtimes.yml} as
 * CodeBuild's curated images ship it: {@code runtimes.<name>.versions.<version>.commands}, where a
 * version may also be {@code default}. Selecting a runtime runs its version's commands.
 */
public final class RuntimeManifest {
  /** Where curated images keep the manifest. */
  public static final String PATH = "/codebuild/image/config/runtimes.yml";

  private final Map<String, Map<String, List<String>>> runtimes;

  private RuntimeManifest(Map<String, Map<String, List<String>>> runtimes) {
    this.runtimes = runtimes;
  }

  /**
   * Parses a manifest.
   *
   * @throws IllegalArgumentException when it is not one
   */
  @SuppressWarnings("unchecked")
  public static RuntimeManifest parse(String yaml) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(doc instanceof Map<?, ?> top) || !(top.get("runtimes") instanceof Map<?, ?> rts)) {
      throw new IllegalArgumentException("runtimes.yml has no runtimes");
    }
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    rts.forEach((name, body) -> {
      Map<String, List<String>> versions = new LinkedHashMap<>();
      if (body instanceof Map<?, ?> b && b.get("versions") instanceof Map<?, ?> vs) {
        vs.forEach((v, def) -> {
          List<String> commands = new ArrayList<>();
          if (def instanceof Map<?, ?> d && d.get("commands") instanceof List<?> cs) {
            cs.forEach(c -> commands.add(String.valueOf(c)));
          }
          versions.put(String.valueOf(v), commands);
        });
      }
      out.put(String.valueOf(name), versions);
    });
    return new RuntimeManifest(out);
  }

  /** The runtime names, in the manifest's order. */
  public List<String> names() {
    return List.copyOf(runtimes.keySet());
  }

  /** The concrete versions of a runtime (without {@code default}). */
  public List<String> versions(String runtime) {
    return runtimes.getOrDefault(runtime, Map.of()).keySet().stream()
        .filter(v -> !v.equals("default"))
        .toList();
  }

  /** A selected runtime version and the commands that install it. */
  public record Selection(String runtime, String version, List<String> commands) {}

  /**
   * Chooses a version as CodeBuild does: the exact name, {@code <major>.x} for the newest version
   * of that major, {@code latest} for the newest of all.
   *
   * @return empty when the runtime has no such version
   * @throws IllegalArgumentException when the image has no such runtime
   */
  public Optional<Selection> select(String runtime, String requested) {
    Map<String, List<String>> versions = runtimes.get(runtime);
    if (versions == null) {
      throw new IllegalArgumentException(runtime);
    }
    String want = requested.trim();
    if (versions.containsKey(want)) {
      return Optional.of(new Selection(runtime, want, versions.get(want)));
    }
    List<String> candidates = versions(runtime);
    if (want.equalsIgnoreCase("latest")) {
      return candidates.stream()
          .max(VERSION_ORDER)
          .map(v -> new Selection(runtime, v, versions.get(v)));
    }
    if (want.endsWith(".x")) {
      String major = want.substring(0, want.length() - 2);
      return candidates.stream()
          .filter(v -> v.equals(major) || v.startsWith(major + "."))
          .max(VERSION_ORDER)
          .map(v -> new Selection(runtime, v, versions.get(v)));
    }
    return Optional.empty();
  }

  /** Orders {@code 3.9 < 3.10 < 3.11} and {@code corretto8 < corretto17}. */
  static final Comparator<String> VERSION_ORDER =
      (a, b) -> {
        String[] x = a.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)|\\.");
        String[] y = b.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)|\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
          int c;
          if (x[i].matches("\\d+") && y[i].matches("\\d+")) {
            c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
          } else {
            c = x[i].compareTo(y[i]);
          }
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(x.length, y.length);
      };
}
