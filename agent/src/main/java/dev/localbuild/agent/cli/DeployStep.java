package dev.localbuild.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbuild.agent.aws.AwsClients;
import dev.localbuild.agent.aws.EcsDeployer;
import dev.localbuild.agent.aws.ImageDefinitions;
import dev.localbuild.agent.build.AwsAccess;
import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;

/**
 * {@code --deploy CLUSTER/SERVICE}: after a successful build, CodePipeline's ECS deploy action on
 * the build's {@code imagedefinitions.json}. Its lines go to stdout after the build's, as {@code
 * [Deploy] <time> <message>}.
 */
final class DeployStep {
  private final RunOptions o;
  private final AwsAccess aws;
  private final Progress progress;

  DeployStep(RunOptions o, AwsAccess aws, Progress progress) {
    this.o = o;
    this.aws = aws;
    this.progress = progress;
  }

  private static void log(String message) {
    String line =
        ContainerLogFormat.format(new LogLine(Instant.now(), LogLine.Source.AGENT, message))
            .replaceFirst("^\\[Container\\]", "[Deploy]");
    System.out.println(line);
    System.out.flush();
  }

  /**
   * The deploy flags, checked before the build starts: a mistake in them is a usage error, not a
   * failure after a whole build.
   */
  static void check(RunOptions o) throws CommandLineOrder.SetupException {
    if (o.deploy == null) {
      return;
    }
    if (!o.deploy.matches("[^/\\s]+/[^/\\s]+")) {
      throw new CommandLineOrder.SetupException(
          "--deploy " + o.deploy + ": expected CLUSTER/SERVICE");
    }
    CommandLineOrder.duration("--deploy-timeout", o.deployTimeout);
    if (o.deployTaskDefinition != null && !Files.isReadable(o.deployTaskDefinition)) {
      throw new CommandLineOrder.SetupException(
          "--deploy-task-definition " + o.deployTaskDefinition + ": no such file");
    }
  }

  /**
   * @return whether the deploy succeeded
   */
  boolean run(Path artifactsDir) throws InterruptedException {
    String[] target = o.deploy.split("/", 2); // checked: CLUSTER/SERVICE
    AwsClients clients = aws.clients();
    if (clients == null) {
      System.err.println("localbuild: --deploy needs AWS: -c for your account, or the local AWS");
      return false;
    }
    List<ImageDefinitions.ImageDefinition> images;
    try {
      images = images(artifactsDir);
    } catch (DeployException e) {
      log("Deploy failed: " + e.getMessage());
      System.err.println("localbuild: deploy FAILED: " + e.getMessage());
      return false;
    }
    Duration timeout = deployTimeout();
    String created = null;
    if (clients.target().local() && o.deployTaskDefinition != null) {
      try {
        created = createLocalService(clients, target[0], target[1], images);
      } catch (IOException | RuntimeException e) {
        System.err.println(
            "localbuild: cannot create the local service from "
                + o.deployTaskDefinition
                + ": "
                + e.getMessage());
        return false;
      }
    }
    Duration poll = clients.target().local() ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    EcsDeployer deployer =
        new EcsDeployer(clients.ecs(), clients.logs(), m -> log(m), poll, progress);
    EcsDeployer.Result r;
    if (created != null) {
      r = deployer.awaitCreated(target[0], target[1], created, timeout);
    } else {
      log(
          "Deploying "
              + o.deployFile
              + " to service "
              + target[1]
              + " in cluster "
              + target[0]
              + (clients.target().local() ? " (local AWS)" : ""));
      r = deployer.deploy(images, target[0], target[1], timeout, o.deployRollback);
    }
    if (!r.succeeded()) {
      log("Deploy failed: " + r.message());
      System.err.printf(
          "localbuild: deploy FAILED after %s: %s%n", RunSummary.human(r.took()), r.message());
      return false;
    }
    log("Deploy succeeded: " + r.message());
    String url = clients.target().local() ? serviceUrl(clients, target[0], target[1]) : null;
    System.err.printf(
        "localbuild: deployed %s to %s/%s in %s (register and update %s, wait %s)%s%n",
        r.taskDefinitionArn(),
        target[0],
        target[1],
        RunSummary.human(r.took()),
        RunSummary.human(r.updating()),
        RunSummary.human(r.waiting()),
        url == null ? "" : "; the new version answers at " + url);
    return true;
  }

  private Duration deployTimeout() {
    try {
      return CommandLineOrder.duration(
          "--deploy-timeout", o.deployTimeout); // 60 min, as CodePipeline
    } catch (CommandLineOrder.SetupException checkedBeforeTheBuild) {
      throw new IllegalStateException(checkedBeforeTheBuild);
    }
  }

  /** A deploy that cannot start, with why. */
  static final class DeployException extends Exception {
    DeployException(String message) {
      super(message);
    }
  }

  /**
   * The image definitions file, read from the primary artifact as CodePipeline reads it (the copy
   * kept on this machine, also when the artifact went to S3).
   */
  List<ImageDefinitions.ImageDefinition> images(Path artifactsDir) throws DeployException {
    Path zip = artifactsDir.resolve("artifacts.zip");
    if (!Files.exists(zip)) {
      throw new DeployException(
          "the build produced no artifact; CodePipeline's ECS action reads "
              + o.deployFile
              + " from the build's output artifact (add it to artifacts.files)");
    }
    try (ZipFile z = new ZipFile(zip.toFile())) {
      var entry = z.getEntry(o.deployFile);
      if (entry == null) {
        throw new DeployException(
            z.getEntry("imageDetail.json") != null
                ? ImageDefinitions.imageDetailExplanation()
                : "the build's artifact has no "
                    + o.deployFile
                    + " at its root (add it to artifacts.files)");
      }
      try (InputStream in = z.getInputStream(entry)) {
        return ImageDefinitions.parse(in.readAllBytes(), o.deployFile);
      }
    } catch (IOException e) {
      throw new DeployException("cannot read the artifact " + zip + ": " + e.getMessage());
    } catch (ImageDefinitions.InvalidImageDefinitions e) {
      throw new DeployException(e.getMessage());
    }
  }

  /**
   * Local AWS only: the cluster and service, made on first deploy from a task definition file with
   * the build's images, so that its first deployment is this deploy.
   *
   * @return the task definition the service was created on, or null if it existed
   */
  private @Nullable String createLocalService(
      AwsClients clients,
      String cluster,
      String service,
      List<ImageDefinitions.ImageDefinition> images)
      throws IOException {
    var ecs = clients.ecs();
    try {
      var found = ecs.describeServices(b -> b.cluster(cluster).services(service));
      if (!found.services().isEmpty() && found.services().get(0).status().equals("ACTIVE")) {
        return null;
      }
    } catch (ClusterNotFoundException e) {
      ecs.createCluster(b -> b.clusterName(cluster));
    }
    JsonNode td = new ObjectMapper().readTree(Files.readString(o.deployTaskDefinition));
    for (JsonNode c : td.path("containerDefinitions")) {
      images.stream()
          .filter(i -> i.name().equals(c.path("name").asText()))
          .findFirst()
          .ifPresent(
              i -> ((com.fasterxml.jackson.databind.node.ObjectNode) c).put("image", i.imageUri()));
    }
    // the local AWS takes the file's JSON as is (the SDK has no way to read a task definition file)
    String arn =
        localCall(
                clients, "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition", td.toString())
            .path("taskDefinition")
            .path("taskDefinitionArn")
            .asText();
    ecs.createService(b ->
        b.cluster(cluster)
            .serviceName(service)
            .taskDefinition(arn)
            .desiredCount(1)
            .launchType("FARGATE")
            .deploymentConfiguration(d ->
                d.maximumPercent(200)
                    .minimumHealthyPercent(100)
                    .deploymentCircuitBreaker(cb -> cb.enable(true).rollback(true))));
    log(
        "Created service "
            + service
            + " in cluster "
            + cluster
            + " from "
            + o.deployTaskDefinition
            + " with "
            + images.stream()
                .map(i -> i.name() + "=" + i.imageUri())
                .collect(java.util.stream.Collectors.joining(", "))
            + " (local AWS)");
    return arn;
  }

  private static JsonNode localCall(AwsClients clients, String target, String body)
      throws IOException {
    // signed as the SDK signs (the local AWS answers only signed requests)
    return new dev.localbuild.agent.aws.SignedJsonClient(
            clients.target().endpoint(),
            clients.target().region(),
            "ecs",
            clients.target().credentials())
        .call(target, body);
  }

  /** The local service's load balancer, as the local AWS tells it. */
  private static @Nullable String serviceUrl(AwsClients clients, String cluster, String service) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              clients.target().endpoint()
                                  + "/_localbuild/service-url?cluster="
                                  + cluster
                                  + "&service="
                                  + service))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          ? new ObjectMapper().readTree(r.body()).path("url").asText(null)
          : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
