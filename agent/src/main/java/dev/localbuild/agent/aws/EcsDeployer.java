package dev.localbuild.agent.aws;

import dev.localbuild.runtime.log.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * What CodePipeline's ECS deploy action does, done honestly: copy the service's task definition
 * with the new images, register it, update the service, and wait, streaming the service's events,
 * until the new task definition is the PRIMARY deployment and stable. A circuit-breaker rollback, a
 * deployment ECS marked FAILED, an image that cannot be pulled or tasks that keep stopping are a
 * failed deploy with ECS's reason, found as soon as ECS says so rather than at the deadline.
 */
public final class EcsDeployer {
  /** Tasks of the new deployment that may stop before the deploy is called failing. */
  static final int STOPPED_TASKS_LIMIT = 3;

  /** How a deploy ended. */
  public record Result(
      boolean succeeded,
      String message,
      @Nullable String taskDefinitionArn,
      Duration took,
      Duration updating) {
    /** The time spent waiting for the service after it was updated. */
    public Duration waiting() {
      return took.minus(updating);
    }
  }

  private Instant updated;

  private final EcsClient ecs;
  private final Consumer<String> log;
  private final Duration poll;
  private final Progress progress;
  private final @Nullable TaskLogTail tail;
  private boolean tailShown;

  /**
   * @param logs where the tasks' awslogs go, to show the last lines of the first stopped task
   *     (null: not shown)
   * @param log the deploy's lines (ECS's service events, stopped tasks, the outcome)
   * @param poll how often ECS is asked
   * @param progress the wait, outside the log: the new deployment's running tasks and the time
   */
  public EcsDeployer(
      EcsClient ecs,
      @Nullable CloudWatchLogsClient logs,
      Consumer<String> log,
      Duration poll,
      Progress progress) {
    this.ecs = ecs;
    this.tail = logs == null ? null : new TaskLogTail(ecs, logs);
    this.log = log;
    this.poll = poll;
    this.progress = progress;
  }

  public EcsDeployer(EcsClient ecs, Consumer<String> log, Duration poll) {
    this(ecs, null, log, poll, Progress.NONE);
  }

  public Result deploy(
      List<ImageDefinitions.ImageDefinition> images,
      String cluster,
      String service,
      Duration timeout,
      boolean rollback)
      throws InterruptedException {
    Instant start = Instant.now();
    String previous = null;
    try {
      var described = ecs.describeServices(b -> b.cluster(cluster).services(service));
      if (!described.failures().isEmpty() || described.services().isEmpty()) {
        return fail(
            start,
            "service "
                + service
                + " does not exist in cluster "
                + cluster
                + (described.failures().isEmpty()
                    ? ""
                    : " (" + described.failures().get(0).reason() + ")"),
            null);
      }
      var svc = described.services().get(0);
      if (!svc.status().equals("ACTIVE")) {
        return fail(start, "service " + service + " is " + svc.status() + ", not ACTIVE", null);
      }
      previous = svc.taskDefinition();
      Set<String> seen =
          svc.events().stream()
              .map(ServiceEvent::id)
              .collect(Collectors.toCollection(HashSet::new));
      DescribeTaskDefinitionResponse td =
          ecs.describeTaskDefinition(
              b -> b.taskDefinition(svc.taskDefinition()).include(TaskDefinitionField.TAGS));
      List<ContainerDefinition> containers = replaceImages(td.taskDefinition(), images);
      TaskDefinition t = td.taskDefinition();
      var registered =
          ecs.registerTaskDefinition(b ->
                  b.family(t.family())
                      .taskRoleArn(t.taskRoleArn())
                      .executionRoleArn(t.executionRoleArn())
                      .networkMode(t.networkMode())
                      .containerDefinitions(containers)
                      .volumes(t.volumes())
                      .placementConstraints(t.placementConstraints())
                      .requiresCompatibilitiesWithStrings(t.requiresCompatibilitiesAsStrings())
                      .cpu(t.cpu())
                      .memory(t.memory())
                      .pidMode(t.pidMode())
                      .ipcMode(t.ipcMode())
                      .proxyConfiguration(t.proxyConfiguration())
                      .ephemeralStorage(t.ephemeralStorage())
                      .runtimePlatform(t.runtimePlatform())
                      .tags(td.tags().isEmpty() ? null : td.tags()))
              .taskDefinition();
      String newArn = registered.taskDefinitionArn();
      log.accept(
          "Registered "
              + newArn
              + " from "
              + previous
              + " with "
              + images.stream()
                  .map(i -> i.name() + "=" + i.imageUri())
                  .collect(Collectors.joining(", ")));
      ecs.updateService(b -> b.cluster(cluster).service(service).taskDefinition(newArn));
      log.accept(
          "Updated service "
              + service
              + " in cluster "
              + cluster
              + "; waiting for it to be stable (timeout "
              + human(timeout)
              + ")");
      updated = Instant.now();
      Result r = await(cluster, service, newArn, seen, start, timeout);
      if (!r.succeeded() && rollback) {
        String back = previous;
        ecs.updateService(b -> b.cluster(cluster).service(service).taskDefinition(back));
        log.accept("Rolled the service back to " + previous);
      }
      return r;
    } catch (SdkException e) {
      return fail(start, AwsErrors.message(e), null);
    } catch (MissingContainer e) {
      return fail(start, e.getMessage(), null);
    }
  }

  /**
   * Waits for a service that was just created on the build's task definition: its first deployment
   * is this deploy, with nothing to register or update and nothing to roll back to.
   */
  public Result awaitCreated(String cluster, String service, String arn, Duration timeout)
      throws InterruptedException {
    Instant start = Instant.now();
    updated = start;
    log.accept("Waiting for service " + service + " to be stable (timeout " + human(timeout) + ")");
    try {
      return await(cluster, service, arn, new HashSet<>(), start, timeout);
    } catch (SdkException e) {
      return fail(start, AwsErrors.message(e), arn);
    }
  }

  /** A name of imagedefinitions.json that the task definition has no container for. */
  static final class MissingContainer extends Exception {
    MissingContainer(String message) {
      super(message);
    }
  }

  static List<ContainerDefinition> replaceImages(
      TaskDefinition td, List<ImageDefinitions.ImageDefinition> images) throws MissingContainer {
    Map<String, String> wanted = new java.util.LinkedHashMap<>();
    images.forEach(i -> wanted.put(i.name(), i.imageUri()));
    Set<String> names =
        td.containerDefinitions().stream()
            .map(ContainerDefinition::name)
            .collect(Collectors.toSet());
    for (String n : wanted.keySet()) {
      if (!names.contains(n)) {
        throw new MissingContainer(
            "imagedefinitions.json names container "
                + n
                + ", which task definition "
                + td.family()
                + ":"
                + td.revision()
                + " does not have (its containers: "
                + td.containerDefinitions().stream()
                    .map(ContainerDefinition::name)
                    .collect(Collectors.joining(", "))
                + ")");
      }
    }
    List<ContainerDefinition> out = new ArrayList<>();
    for (ContainerDefinition c : td.containerDefinitions()) {
      out.add(wanted.containsKey(c.name()) ? c.toBuilder().image(wanted.get(c.name())).build() : c);
    }
    return out;
  }

  private Result await(
      String cluster,
      String service,
      String newArn,
      Set<String> seen,
      Instant start,
      Duration timeout)
      throws InterruptedException {
    Set<String> reported = new HashSet<>();
    while (Duration.between(start, Instant.now()).compareTo(timeout) < 0) {
      var svc = ecs.describeServices(b -> b.cluster(cluster).services(service)).services().get(0);
      List<ServiceEvent> events = new ArrayList<>(svc.events());
      java.util.Collections.reverse(events);
      for (ServiceEvent e : events) {
        if (seen.add(e.id())) {
          log.accept(e.message());
        }
      }
      Deployment primary =
          svc.deployments().stream()
              .filter(d -> d.status().equals("PRIMARY"))
              .findFirst()
              .orElse(null);
      Deployment mine =
          svc.deployments().stream()
              .filter(d -> d.taskDefinition().equals(newArn))
              .findFirst()
              .orElse(null);
      if (mine != null && "FAILED".equals(mine.rolloutStateAsString())) {
        return fail(start, "the deployment failed: " + mine.rolloutStateReason(), newArn);
      }
      if (primary != null && !primary.taskDefinition().equals(newArn)) {
        return fail(
            start,
            "ECS rolled the service back to "
                + primary.taskDefinition()
                + (mine != null && mine.rolloutStateReason() != null
                    ? " (" + mine.rolloutStateReason() + ")"
                    : ""),
            newArn);
      }
      if (primary != null && stable(svc, primary)) {
        return new Result(
            true,
            "service " + service + " is stable on " + newArn,
            newArn,
            Duration.between(start, Instant.now()),
            Duration.between(start, updated));
      }
      if (mine != null) {
        String early = stoppedTasks(cluster, mine, reported, breaker(svc));
        if (early != null) {
          return fail(start, early, newArn);
        }
      }
      progress.update(
          "waiting for service " + service,
          (mine == null
                  ? "no deployment of the new task definition yet"
                  : mine.runningCount() + "/" + mine.desiredCount() + " new tasks running")
              + ", "
              + human(Duration.between(start, Instant.now()))
              + " of "
              + human(timeout));
      Thread.sleep(poll.toMillis());
    }
    return fail(
        start,
        "timed out after "
            + human(timeout)
            + " waiting for service "
            + service
            + " to be stable on "
            + newArn,
        newArn);
  }

  /** Stable: the new deployment completed (or, without rollout states, alone and fully running). */
  static boolean stable(software.amazon.awssdk.services.ecs.model.Service svc, Deployment primary) {
    if (primary.rolloutState() != null) {
      return "COMPLETED".equals(primary.rolloutStateAsString());
    }
    return svc.deployments().size() == 1 && primary.runningCount().equals(primary.desiredCount());
  }

  /** Whether the service's deployment circuit breaker is on: then ECS decides when tasks fail. */
  static boolean breaker(software.amazon.awssdk.services.ecs.model.Service svc) {
    var c = svc.deploymentConfiguration();
    return c != null
        && c.deploymentCircuitBreaker() != null
        && Boolean.TRUE.equals(c.deploymentCircuitBreaker().enable());
  }

  /**
   * Why the new deployment's tasks stop, when that is reason enough to give up now: an image that
   * cannot be pulled; or, for a service without a circuit breaker, {@link #STOPPED_TASKS_LIMIT}
   * stopped tasks. With a breaker, its verdict (and rollback) is awaited instead, as CodePipeline
   * awaits it: deciding first would race it and report the wrong reason.
   */
  private @Nullable String stoppedTasks(
      String cluster, Deployment mine, Set<String> reported, boolean breaker) {
    List<String> arns =
        ecs.listTasks(
                b -> b.cluster(cluster).startedBy(mine.id()).desiredStatus(DesiredStatus.STOPPED))
            .taskArns();
    if (arns.isEmpty()) {
      return null;
    }
    List<Task> tasks = ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks();
    int failed = 0;
    String last = null;
    for (Task t : tasks) {
      String reason = t.stoppedReason();
      if (reason == null
          || "ServiceSchedulerInitiated".equals(t.stopCodeAsString())
              && reason.startsWith("Scaling activity")) {
        continue;
      }
      failed++;
      last = reason;
      if (reported.add(t.taskArn())) {
        log.accept(
            "Task "
                + t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1)
                + " stopped: "
                + reason
                + exits(t));
        if (tail != null && !tailShown) {
          // the first stopped task's lines say why; the next ones would mostly repeat them
          List<String> lines = tail.lines(t);
          tailShown = !lines.isEmpty();
          lines.forEach(log);
        }
      }
      if (reason.startsWith("CannotPullContainerError")) {
        return "a task of the new deployment cannot pull its image: " + reason;
      }
    }
    return !breaker && failed >= STOPPED_TASKS_LIMIT
        ? failed + " tasks of the new deployment stopped; the last: " + last
        : null;
  }

  /** What a stopped task's containers exited with, as ECS reports it: " (web: exit code 1)". */
  static String exits(Task t) {
    List<String> codes = new java.util.ArrayList<>();
    for (var c : t.containers()) {
      if (c.exitCode() != null) {
        codes.add(
            c.name()
                + ": exit code "
                + c.exitCode()
                + (c.reason() == null || c.reason().isBlank() ? "" : ", " + c.reason()));
      }
    }
    return codes.isEmpty() ? "" : " (" + String.join("; ", codes) + ")";
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  private Result fail(Instant start, String message, @Nullable String arn) {
    Instant now = Instant.now();
    return new Result(
        false,
        message,
        arn,
        Duration.between(start, now),
        Duration.between(start, updated == null ? now : updated));
  }
}
