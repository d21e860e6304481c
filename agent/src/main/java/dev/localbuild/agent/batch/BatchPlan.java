package dev.localbuild.agent.batch;

import dev.localbuild.agent.build.BuildOrder;
import dev.localbuild.agent.build.OrderException;
import dev.localbuild.agent.build.OrderResolver;
import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.buildspec.BatchSpec;
import dev.localbuild.runtime.BuildspecSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The builds a buildspec's {@code batch} section makes: build-list and build-graph tasks as they
 * are written, a build-matrix's every combination, a build-fanout's {@code parallelism} copies.
 * Matrix and fanout builds are named {@code build1}, {@code build2}... in the order of their
 * combinations (buildspecs, then images, compute types, variables in the order written).
 *
 * @param fastFail whether a failed build stops the others
 */
public record BatchPlan(List<Child> children, boolean fastFail) {
  public BatchPlan {
    children = List.copyOf(children);
  }

  /**
   * One build of the batch.
   *
   * @param buildspec its buildspec (a path in the source), or null for the batch's own
   * @param variables variables it adds, in order
   * @param image its image, or null for the batch's
   * @param dependOn builds that must end first (build-graph)
   * @param ignoreFailure its failure does not fail the batch (nor hold back what depends on it)
   */
  public record Child(
      String identifier,
      @Nullable String buildspec,
      Map<String, String> variables,
      @Nullable String image,
      boolean privileged,
      @Nullable String computeType,
      List<String> dependOn,
      boolean ignoreFailure) {
    public Child {
      variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
      dependOn = List.copyOf(dependOn);
    }
  }

  /**
   * The batch of an order's buildspec (read on this machine, before anything runs), within the
   * project's {@code buildBatchConfig.restrictions}.
   */
  public static BatchPlan of(BuildOrder order) throws OrderException {
    BatchPlan plan = of(batchOf(order));
    if (order.project() != null) {
      Optional<String> refused =
          plan.refusedBy(
              order.project().buildBatchConfig(), order.project().environment().computeType());
      if (refused.isPresent()) {
        throw new OrderException("--batch", refused.get());
      }
    }
    return plan;
  }

  /**
   * Why the project's batch restrictions refuse this batch, if they do: more builds than {@code
   * maximumBuildsAllowed}, or a build on a compute type {@code computeTypesAllowed} does not list
   * (a build without its own runs on the project's). CodeBuild refuses such a batch before any of
   * its builds starts.
   */
  public Optional<String> refusedBy(
      ProjectConfig.@Nullable BatchConfig config, String projectComputeType) {
    if (config == null) {
      return Optional.empty();
    }
    Integer max = config.maximumBuildsAllowed();
    if (max != null && children.size() > max) {
      return Optional.of(
          "the batch has "
              + children.size()
              + " builds, more than the project's buildBatchConfig.restrictions"
              + ".maximumBuildsAllowed ("
              + max
              + ")");
    }
    if (!config.computeTypesAllowed().isEmpty()) {
      for (Child c : children) {
        String type = c.computeType() != null ? c.computeType() : projectComputeType;
        if (!config.computeTypesAllowed().contains(type)) {
          return Optional.of(
              "build "
                  + c.identifier()
                  + " would run on "
                  + type
                  + ", which the project's buildBatchConfig.restrictions.computeTypesAllowed ("
                  + String.join(", ", config.computeTypesAllowed())
                  + ") does not allow");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The batch section of an order's buildspec, read on this machine before anything runs.
   *
   * @throws OrderException when the buildspec is not here (the project's source is fetched), has no
   *     batch section, or is not valid
   */
  static BatchSpec batchOf(BuildOrder o) throws OrderException {
    boolean fetched =
        o.sourceDirectory() == null && o.project() != null && o.project().source() != null;
    Path source =
        o.sourceDirectory() != null
            ? o.sourceDirectory().toAbsolutePath().normalize()
            : Path.of(".").toAbsolutePath().normalize();
    BuildspecSource buildspec = OrderResolver.buildspec(o.buildspecOverride(), o.project(), source);
    if (fetched && buildspec.file() != null) {
      throw new OrderException(
          "--batch",
          "the project's source is fetched when a build runs, so its buildspec's batch section"
              + " cannot be read before: give the source with -s DIR");
    }
    BatchSpec batch;
    try {
      batch = buildspec.parse().batch();
    } catch (RuntimeException e) {
      throw new OrderException("--batch", "the buildspec cannot be read: " + e.getMessage());
    }
    if (batch == null) {
      throw new OrderException(
          "--batch", "the buildspec " + buildspec.describe() + " has no batch section");
    }
    return batch;
  }

  public static BatchPlan of(BatchSpec spec) {
    List<Child> out = new ArrayList<>();
    List<BatchSpec.Task> tasks =
        !spec.buildGraph().isEmpty() ? spec.buildGraph() : spec.buildList();
    for (BatchSpec.Task t : tasks) {
      out.add(
          new Child(
              t.identifier(),
              t.buildspec(),
              t.env().variables(),
              t.env().image(),
              t.env().privilegedMode(),
              t.env().computeType(),
              t.dependOn(),
              t.ignoreFailure()));
    }
    if (spec.buildMatrix() != null) {
      out.addAll(matrix(spec.buildMatrix()));
    }
    if (spec.buildFanout() != null) {
      for (int i = 1; i <= spec.buildFanout().parallelism(); i++) {
        out.add(
            new Child(
                "build" + i,
                null,
                Map.of(),
                null,
                false,
                null,
                List.of(),
                spec.buildFanout().ignoreFailure()));
      }
    }
    return new BatchPlan(out, spec.fastFail());
  }

  private static List<Child> matrix(BatchSpec.Matrix m) {
    List<Map<String, String>> variableSets = new ArrayList<>();
    variableSets.add(new LinkedHashMap<>(m.staticEnv().variables()));
    for (var e : m.variables().entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> set : variableSets) {
        for (String value : e.getValue()) {
          Map<String, String> v = new LinkedHashMap<>(set);
          v.put(e.getKey(), value);
          next.add(v);
        }
      }
      variableSets = next;
    }
    List<Child> out = new ArrayList<>();
    for (String buildspec : orNull(m.buildspecs())) {
      for (String image : orNull(m.images())) {
        for (String computeType : orNull(m.computeTypes())) {
          for (Map<String, String> vars : variableSets) {
            out.add(
                new Child(
                    "build" + (out.size() + 1),
                    buildspec,
                    vars,
                    image != null ? image : m.staticEnv().image(),
                    m.staticEnv().privilegedMode(),
                    computeType != null ? computeType : m.staticEnv().computeType(),
                    List.of(),
                    m.ignoreFailure()));
          }
        }
      }
    }
    return out;
  }

  private static List<@Nullable String> orNull(List<String> values) {
    List<@Nullable String> out = new ArrayList<>(values);
    if (out.isEmpty()) {
      out.add(null);
    }
    return out;
  }
}
