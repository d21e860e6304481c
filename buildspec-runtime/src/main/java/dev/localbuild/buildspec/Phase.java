package dev.localbuild.buildspec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One command phase of a buildspec.
 *
 * @param name which phase
 * @param runAs the user that runs this phase's commands, overriding the buildspec's {@code run-as}
 * @param onFailure what happens when the phase fails
 * @param commands the {@code commands} list; the first failing item skips the rest
 * @param finallyCommands the {@code finally} list; runs after {@code commands} whatever they did
 * @param runtimeVersions {@code runtime-versions} (install only), runtime name to requested version
 * @param line the 1-based line of the phase key, 0 when not from a file
 */
public record Phase(
    PhaseName name,
    @Nullable String runAs,
    OnFailure onFailure,
    List<Command> commands,
    List<Command> finallyCommands,
    Map<String, String> runtimeVersions,
    int line) {
  public Phase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(onFailure, "onFailure");
    commands = List.copyOf(commands);
    finallyCommands = List.copyOf(finallyCommands);
    runtimeVersions =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(runtimeVersions));
  }

  /** A phase with just commands, for tests and console-style build commands. */
  public static Phase of(PhaseName name, String... commands) {
    return new Phase(
        name,
        null,
        OnFailure.DEFAULT,
        java.util.Arrays.stream(commands).map(Command::of).toList(),
        List.of(),
        Map.of(),
        0);
  }
}
