package dev.localbuild.agent.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The last lines a stopped task's containers wrote, read where ECS's {@code awslogs} driver put
 * them: CloudWatch Logs, group {@code awslogs-group}, stream {@code
 * <awslogs-stream-prefix>/<container>/<task id>}. That is usually the reason a deploy failed (a
 * missing setting, a crash at start), so the deploy's log shows it instead of a pointer to the
 * console.
 */
final class TaskLogTail {
  static final int LINES = 10;

  private final EcsClient ecs;
  private final CloudWatchLogsClient logs;
  private final Map<String, TaskDefinition> definitions = new HashMap<>();

  TaskLogTail(EcsClient ecs, CloudWatchLogsClient logs) {
    this.ecs = ecs;
    this.logs = logs;
  }

  /** For each container of the task that exited: a heading and its last lines, or why none. */
  List<String> lines(Task t) {
    List<String> out = new ArrayList<>();
    TaskDefinition td;
    try {
      td =
          definitions.computeIfAbsent(
              t.taskDefinitionArn(),
              arn -> ecs.describeTaskDefinition(b -> b.taskDefinition(arn)).taskDefinition());
    } catch (SdkException e) {
      return out;
    }
    String taskId = t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1);
    for (var c : t.containers()) {
      if (c.exitCode() == null) {
        continue; // never ran, or still running: nothing of its own to say
      }
      ContainerDefinition def =
          td.containerDefinitions().stream()
              .filter(d -> d.name().equals(c.name()))
              .findFirst()
              .orElse(null);
      var lc = def == null ? null : def.logConfiguration();
      if (lc == null
          || lc.logDriver() != LogDriver.AWSLOGS
          || !lc.options().containsKey("awslogs-group")) {
        out.add(
            "Container "
                + c.name()
                + " has no awslogs log configuration: its output is not in CloudWatch Logs");
        continue;
      }
      String group = lc.options().get("awslogs-group");
      String prefix = lc.options().get("awslogs-stream-prefix");
      String stream =
          prefix == null || prefix.isEmpty()
              ? c.runtimeId()
              : prefix + "/" + c.name() + "/" + taskId;
      List<OutputLogEvent> events;
      try {
        events =
            logs.getLogEvents(b ->
                    b.logGroupName(group).logStreamName(stream).limit(LINES).startFromHead(false))
                .events();
      } catch (SdkException e) {
        out.add(
            "Cannot read the log of container "
                + c.name()
                + " ("
                + group
                + " "
                + stream
                + "): "
                + AwsErrors.message(e));
        continue;
      }
      if (events.isEmpty()) {
        out.add("Container " + c.name() + " wrote nothing to " + group + " " + stream);
        continue;
      }
      out.add(
          "Last "
              + events.size()
              + " log line"
              + (events.size() == 1 ? "" : "s")
              + " of container "
              + c.name()
              + " ("
              + group
              + " "
              + stream
              + "):");
      events.forEach(e -> out.add("  " + c.name() + " | " + e.message()));
    }
    return out;
  }
}
