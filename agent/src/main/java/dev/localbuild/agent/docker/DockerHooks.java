package dev.localbuild.agent.docker;

import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.runtime.BuildHooks;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.CommandScripts;
import dev.localbuild.runtime.shell.ShellQuote;
import dev.localbuild.runtime.shell.ShellSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a privileged build's Docker daemon needs before INSTALL: registry logins (Docker Hub from
 * {@code DOCKERHUB_USERNAME}/{@code DOCKERHUB_PASSWORD}, or the project's registries; the password
 * goes through stdin and is never printed) and the images named for {@code --cache-from}, pulled so
 * that {@code docker build --cache-from} finds their layers on a fresh daemon.
 */
public final class DockerHooks implements BuildHooks {
  /** A registry login from two of the build's variables. */
  public record Login(String registry, String usernameVariable, String passwordVariable) {}

  static final Login DOCKER_HUB =
      new Login("docker.io", "DOCKERHUB_USERNAME", "DOCKERHUB_PASSWORD");

  private final boolean privileged;
  private final List<Login> logins;
  private final List<String> cacheFrom;
  private final java.util.function.Supplier<AwsClients.RegistryLogin> ecr;

  /**
   * @param ecr the ECR registry's login for the build's daemon, or null without AWS
   */
  public DockerHooks(
      boolean privileged,
      List<Login> logins,
      List<String> cacheFrom,
      java.util.function.Supplier<AwsClients.RegistryLogin> ecr) {
    this.privileged = privileged;
    this.logins = List.copyOf(logins);
    this.cacheFrom = List.copyOf(cacheFrom);
    this.ecr = ecr;
  }

  @Override
  public void beforeInstall(Sandbox sandbox, Map<String, String> variables, Consumer<String> log)
      throws Exception {
    if (!privileged) {
      return;
    }
    List<Login> all = new ArrayList<>(logins);
    if (variables.containsKey(DOCKER_HUB.usernameVariable())
        && variables.containsKey(DOCKER_HUB.passwordVariable())
        && all.stream().noneMatch(l -> l.registry().equals(DOCKER_HUB.registry()))) {
      all.add(DOCKER_HUB);
    }
    ShellSession shell = sandbox.shell();
    String state = ". " + ShellQuote.quote(sandbox.shellDir()) + "/" + CommandScripts.STATE + "\n";
    for (Login l : all) {
      if (!variables.containsKey(l.usernameVariable())
          || !variables.containsKey(l.passwordVariable())) {
        throw new HookException(
            new PhaseContext(
                PhaseContext.CLIENT_ERROR,
                "Unable to log in to "
                    + l.registry()
                    + ": the build has no variable "
                    + (variables.containsKey(l.usernameVariable())
                        ? l.passwordVariable()
                        : l.usernameVariable())));
      }
      String registry =
          l.registry().equals("docker.io") ? "" : " " + ShellQuote.quote(l.registry());
      var result =
          shell.captureResult(
              "sh",
              state
                  + "printf '%s' \"$"
                  + l.passwordVariable()
                  + "\" | docker login --username \"$"
                  + l.usernameVariable()
                  + "\" --password-stdin"
                  + registry
                  + " >/dev/null");
      if (result.exitCode() != 0) {
        throw new HookException(
            new PhaseContext(
                PhaseContext.CLIENT_ERROR,
                "Unable to log in to "
                    + l.registry()
                    + " as $"
                    + l.usernameVariable()
                    + " (docker login exit status "
                    + result.exitCode()
                    + ")"));
      }
      log.accept("Logged in to " + l.registry() + " as $" + l.usernameVariable());
    }
    if (ecr != null) {
      // as CodeBuild's ECR credentials: a push to the account's registry works with no login line
      AwsClients.RegistryLogin login;
      try {
        login = ecr.get();
      } catch (RuntimeException e) {
        throw new HookException(
            new PhaseContext(
                PhaseContext.CLIENT_ERROR, "Unable to get ECR credentials: " + e.getMessage()));
      }
      var result =
          shell.captureResult(
              "sh",
              "printf '%s' "
                  + ShellQuote.quote(login.password())
                  + " | docker login --username "
                  + ShellQuote.quote(login.username())
                  + " --password-stdin "
                  + ShellQuote.quote(login.registry())
                  + " >/dev/null");
      if (result.exitCode() == 0) {
        log.accept("Logged in to the ECR registry " + login.registry());
      } else {
        log.accept(
            "Unable to log in to the ECR registry "
                + login.registry()
                + "; docker push to it will need a login");
      }
    }
    for (String image : cacheFrom) {
      String ref = ShellQuote.quote(image);
      log.accept("Pulling " + image + " for --cache-from");
      var pulled =
          shell.captureResult(
              "sh",
              state
                  + "docker pull -q "
                  + ref
                  + " >/dev/null && docker image inspect -f '{{len .RootFS.Layers}}' "
                  + ref);
      if (pulled.exitCode() == 0) {
        log.accept(
            "Pulled "
                + image
                + ": "
                + pulled.stdout().strip()
                + " layer(s) available to --cache-from");
      } else {
        log.accept("Unable to pull " + image + "; the build goes on without its layers");
      }
    }
  }
}
