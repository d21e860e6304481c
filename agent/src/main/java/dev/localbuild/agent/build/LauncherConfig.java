package dev.localbuild.agent.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How this host runs builds: the same for every build a launcher starts.
 *
 * @param state the state directory ({@code $LOCALBUILD_HOME}): records, caches, the local AWS
 * @param executor where commands run
 * @param mountSource bind-mount source directories instead of copying them
 * @param keep keep a host build's directory afterwards
 * @param network the Docker network builds join (null: the default bridge)
 * @param aws which AWS builds talk to
 */
public record LauncherConfig(
    Path state,
    Executor executor,
    boolean mountSource,
    boolean keep,
    @Nullable String network,
    Aws aws) {
  public LauncherConfig {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(aws, "aws");
  }

  /** Where commands run. */
  public enum Executor {
    /** In a container, as CodeBuild runs them. */
    DOCKER,
    /** On this machine, for people without Docker. */
    HOST
  }

  /**
   * Which AWS builds talk to.
   *
   * @param yourAccount your AWS account through the default credentials chain (else the local AWS)
   * @param profile the AWS profile, with {@code yourAccount}
   * @param endpoints endpoint overrides, {@code URL} or {@code SERVICE=URL}, with {@code
   *     yourAccount}
   * @param startLocal start the local AWS even when a build does not seem to need it
   * @param ecrRepositories ECR repositories to make if missing
   */
  public record Aws(
      boolean yourAccount,
      @Nullable String profile,
      List<String> endpoints,
      boolean startLocal,
      List<String> ecrRepositories) {
    /** The local AWS, started when a build seems to need it. */
    public static final Aws LOCAL = new Aws(false, null, List.of(), false, List.of());

    public Aws {
      endpoints = List.copyOf(endpoints);
      ecrRepositories = List.copyOf(ecrRepositories);
    }
  }
}
