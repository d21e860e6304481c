package dev.localbuild.buildspec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, validated buildspec.
 *
 * @param location where it came from (a path, or {@code inline})
 * @param version {@code 0.1} or {@code 0.2}
 * @param runAs the user that runs every command, unless a phase says otherwise; null means root
 * @param env the {@code env} section
 * @param proxy the {@code proxy} section
 * @param batch the {@code batch} section, when present
 * @param phases the command phases present in the file, in the order the file lists them (CodeBuild
 *     logs them in that order; it runs them in its own)
 * @param reports report groups, by key
 * @param artifacts the {@code artifacts} section, when present
 * @param cache the {@code cache} section, when present
 * @param unknownKeys keys CodeBuild would not identify, by section, as its warning lists them
 * @param warnings other things worth telling the user
 */
public record Buildspec(
    String location,
    Version version,
    @Nullable String runAs,
    EnvSpec env,
    ProxySpec proxy,
    @Nullable BatchSpec batch,
    Map<PhaseName, Phase> phases,
    Map<String, ReportGroupSpec> reports,
    @Nullable ArtifactsSpec artifacts,
    @Nullable CacheSpec cache,
    Map<String, List<String>> unknownKeys,
    List<BuildspecWarning> warnings) {

  /** The buildspec versions CodeBuild accepts. */
  public enum Version {
    V0_1("0.1"),
    V0_2("0.2");

    private final String text;

    Version(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    /**
     * Whether shell state (variables, working directory) carries over from one command to the next.
     * In 0.1 every command runs in a fresh shell instance.
     */
    public boolean carriesShellState() {
      return this == V0_2;
    }
  }

  public Buildspec {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(proxy, "proxy");
    phases = EnvSpec.ordered(phases);
    reports = EnvSpec.ordered(reports);
    unknownKeys = EnvSpec.ordered(unknownKeys);
    warnings = List.copyOf(warnings);
  }

  /** The phase with this name, if the buildspec defines it. */
  public Optional<Phase> phase(PhaseName name) {
    return Optional.ofNullable(phases.get(name));
  }

  /** The user a phase's commands run as: the phase's {@code run-as}, else the global one. */
  public @Nullable String runAsFor(PhaseName name) {
    Phase p = phases.get(name);
    return p != null && p.runAs() != null ? p.runAs() : runAs;
  }
}
