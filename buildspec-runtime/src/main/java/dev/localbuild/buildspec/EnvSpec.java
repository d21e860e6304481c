package dev.localbuild.buildspec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The buildspec's {@code env} section (version 0.1's {@code environment_variables}).
 *
 * @param shell {@code bash}, {@code /bin/sh} and so on; null means CodeBuild's default, {@code sh}
 * @param variables plain variables, values taken literally (no expansion), in file order
 * @param parameterStore local name to SSM parameter name
 * @param secretsManager local name to secret reference
 * @param exportedVariables names whose final values are reported in the build record
 * @param gitCredentialHelper whether CodeBuild's git credential helper is configured
 */
public record EnvSpec(
    @Nullable String shell,
    Map<String, String> variables,
    Map<String, String> parameterStore,
    Map<String, SecretRef> secretsManager,
    List<String> exportedVariables,
    boolean gitCredentialHelper) {
  public EnvSpec {
    variables = ordered(variables);
    parameterStore = ordered(parameterStore);
    secretsManager = ordered(secretsManager);
    exportedVariables = List.copyOf(exportedVariables);
  }

  /** No {@code env} section. */
  public static final EnvSpec EMPTY =
      new EnvSpec(null, Map.of(), Map.of(), Map.of(), List.of(), false);

  /** An unmodifiable copy that keeps the iteration order (Map.copyOf does not). */
  static <K, V> Map<K, V> ordered(Map<K, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
