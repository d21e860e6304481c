package dev.localbuild.buildspec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The buildspec's {@code batch} section. Exactly one of {@code buildList}, {@code buildGraph},
 * {@code buildMatrix} and {@code buildFanout} is set.
 *
 * @param fastFail whether one failed task stops the others
 * @param buildList {@code build-list} tasks, run in parallel
 * @param buildGraph {@code build-graph} tasks, ordered by {@code depend-on}
 * @param buildMatrix {@code build-matrix}
 * @param buildFanout {@code build-fanout}
 */
public record BatchSpec(
    boolean fastFail,
    List<Task> buildList,
    List<Task> buildGraph,
    @Nullable Matrix buildMatrix,
    @Nullable Fanout buildFanout) {
  public BatchSpec {
    buildList = List.copyOf(buildList);
    buildGraph = List.copyOf(buildGraph);
  }

  /**
   * A batch task's environment override.
   *
   * @param computeType e.g. {@code BUILD_GENERAL1_SMALL}
   * @param fleet a reserved-capacity fleet (not together with compute type)
   * @param image the build image
   * @param privilegedMode whether the task runs privileged
   * @param type the environment type, e.g. {@code LINUX_CONTAINER}
   * @param variables extra environment variables
   */
  public record TaskEnv(
      @Nullable String computeType,
      @Nullable String fleet,
      @Nullable String image,
      boolean privilegedMode,
      @Nullable String type,
      Map<String, String> variables) {
    public TaskEnv {
      variables = EnvSpec.ordered(variables);
    }

    public static final TaskEnv NONE = new TaskEnv(null, null, null, false, null, Map.of());
  }

  /** One {@code build-list} or {@code build-graph} entry. */
  public record Task(
      String identifier,
      @Nullable String buildspec,
      boolean debugSession,
      List<String> dependOn,
      TaskEnv env,
      boolean ignoreFailure) {
    public Task {
      Objects.requireNonNull(identifier, "identifier");
      Objects.requireNonNull(env, "env");
      dependOn = List.copyOf(dependOn);
    }
  }

  /**
   * {@code build-matrix}: one build per combination of the dynamic values.
   *
   * @param ignoreFailure {@code static.ignore-failure}
   * @param staticEnv {@code static.env}
   * @param buildspecs {@code dynamic.buildspec}
   * @param computeTypes {@code dynamic.env.compute-type}
   * @param images {@code dynamic.env.image}
   * @param variables {@code dynamic.env.variables}: each name with its list of values
   */
  public record Matrix(
      boolean ignoreFailure,
      TaskEnv staticEnv,
      List<String> buildspecs,
      List<String> computeTypes,
      List<String> images,
      Map<String, List<String>> variables) {
    public Matrix {
      buildspecs = List.copyOf(buildspecs);
      computeTypes = List.copyOf(computeTypes);
      images = List.copyOf(images);
      variables = EnvSpec.ordered(variables);
    }

    /** How many builds the matrix makes: the product of the sizes of the non-empty dimensions. */
    public int combinations() {
      int n = Math.max(1, buildspecs.size());
      n *= Math.max(1, computeTypes.size());
      n *= Math.max(1, images.size());
      for (List<String> values : variables.values()) {
        n *= Math.max(1, values.size());
      }
      return n;
    }
  }

  /** {@code build-fanout}: {@code parallelism} identical builds, typically to shard tests. */
  public record Fanout(int parallelism, boolean ignoreFailure) {}
}
