package dev.localbuild.agent.cli;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.localaws.LocalAwsProcess;
import dev.localbuild.localaws.LocalAwsServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code localbuild aws}: the embedded local AWS (ECR, ECS, S3, SSM, Secrets Manager, STS). */
@Command(
    name = "aws",
    mixinStandardHelpOptions = true,
    header = "The local AWS: ECR, ECS, S3, SSM, Secrets Manager and STS on one port.",
    usageHelpWidth = 100,
    description = {
      "The local AWS builds use when no AWS account is configured: ECR (with a real registry), ECS",
      "(tasks are containers here), S3, SSM Parameter Store, Secrets Manager and STS on one port. Use",
      "it with the AWS CLI: aws --endpoint-url http://127.0.0.1:PORT ecs describe-services ..."
    },
    subcommands = {
      AwsCommand.Serve.class,
      AwsCommand.Start.class,
      AwsCommand.Status.class,
      AwsCommand.Env.class,
      AwsCommand.Stop.class
    })
final class AwsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  static Path defaultState() {
    return StateDir.resolve().resolve("aws");
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Runs the local AWS in the foreground.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--state", description = "State directory (default: $LOCALBUILD_HOME/aws).")
    Path state = defaultState();

    @Option(
        names = "--port",
        description = "Port on 127.0.0.1 and the Docker bridge (default: ${DEFAULT-VALUE}).")
    int port = LocalAwsServer.DEFAULT_PORT;

    @Option(names = "--region", description = "Region (default: ${DEFAULT-VALUE}).")
    String region = "us-east-1";

    @Option(
        names = "--create-repositories-on-push",
        description = "Create ECR repositories on first push.")
    boolean createOnPush;

    @Override
    public Integer call() throws Exception {
      DockerClient docker = DockerClients.create();
      try (LocalAwsServer server =
          new LocalAwsServer(
                  new LocalAwsServer.Config(
                      state, region, LocalAwsProcess.ACCOUNT, port, createOnPush),
                  docker)
              .start()) {
        System.err.println(
            "localbuild aws: listening on "
                + server.endpoint()
                + (server.gateway() == null
                    ? ""
                    : " and http://" + server.gateway() + ":" + server.port())
                + "; parameters and secrets in "
                + state.resolve("parameters.json"));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Starts the local AWS in the background.")
  static final class Start implements Callable<Integer> {
    @Option(names = "--region", description = "Region (default: ${DEFAULT-VALUE}).")
    String region = "us-east-1";

    @Override
    public Integer call() throws Exception {
      var r = LocalAwsProcess.ensure(defaultState(), LocalAwsProcess.jar(), region);
      System.out.println(r.endpoint());
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints the local AWS's endpoint, if it runs.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      var r = LocalAwsProcess.find(defaultState());
      if (r.isEmpty()) {
        System.err.println(
            "localbuild: the local AWS is not running (start it with: localbuild aws start)");
        return 1;
      }
      System.out.println(r.get().endpoint());
      return 0;
    }
  }

  @Command(
      name = "env",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
        "Prints the export lines a shell needs to use the local AWS with the AWS CLI or an SDK:",
        "endpoint, region and its root key. Use: eval \"$(localbuild aws env)\""
      })
  static final class Env implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      var r = LocalAwsProcess.find(defaultState());
      if (r.isEmpty()) {
        System.err.println(
            "localbuild: the local AWS is not running (start it with: localbuild aws start)");
        return 1;
      }
      var key = LocalAwsProcess.rootKey(defaultState());
      for (String line :
          java.util.List.of(
              "AWS_ENDPOINT_URL=" + r.get().endpoint(),
              "AWS_REGION=" + r.get().region(),
              "AWS_DEFAULT_REGION=" + r.get().region(),
              "AWS_ACCESS_KEY_ID=" + key.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY=" + key.secretAccessKey())) {
        System.out.println("export " + line);
      }
      System.out.println("unset AWS_SESSION_TOKEN AWS_PROFILE");
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description =
          "Stops the local AWS and removes its containers (ECS tasks, registry); its state and"
              + " pushed images stay, and services get their tasks back on the next start.")
  static final class Stop implements Callable<Integer> {
    @Option(
        names = "--purge",
        description =
            "Also delete its state: pushed images, S3 objects, clusters and services"
                + " (parameters.json stays).")
    boolean purge;

    @Override
    public Integer call() throws Exception {
      try (DockerClient docker = DockerClients.create()) {
        boolean was;
        try {
          was = LocalAwsProcess.stop(defaultState(), docker, purge);
        } catch (IllegalStateException inServer) {
          System.err.println("localbuild: " + inServer.getMessage());
          return 1;
        }
        System.err.println(
            was
                ? "localbuild: the local AWS stopped"
                : "localbuild: the local AWS was not running");
      }
      return 0;
    }
  }
}
