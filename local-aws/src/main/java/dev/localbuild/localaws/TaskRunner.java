package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs ECS tasks as containers on the local engine, the way Fargate's awsvpc mode shapes them: the
 * task's containers share one network namespace (the first container's), whose port mappings are
 * published on loopback. Images from the local ECR are pulled with a fresh token; anything else is
 * pulled as the engine pulls it.
 */
final class TaskRunner {
  static final String TASK_LABEL = "dev.localbuild.ecs.task";

  private final DockerClient docker;
  private final String instance;
  private final java.nio.file.Path pulledImages;
  private final java.util.function.Function<String, String> localRegistryRef;
  private final Supplier<String> ecrPassword;
  private final TaskLogs logs;

  /**
   * @param pulledImages a file where each image pulled from the local ECR is noted, so that a purge
   *     removes it from the engine with the registry it came from
   * @param localRegistryRef turns an image of the local ECR (as any caller names it) into the
   *     reference the engine pulls it by, or returns it unchanged
   * @param ecrPassword a valid token of the local ECR
   * @param logs where containers with an {@code awslogs} configuration log
   */
  TaskRunner(
      DockerClient docker,
      String instance,
      java.nio.file.Path pulledImages,
      java.util.function.Function<String, String> localRegistryRef,
      Supplier<String> ecrPassword,
      TaskLogs logs) {
    this.docker = docker;
    this.logs = logs;
    this.instance = instance;
    this.pulledImages = pulledImages;
    this.localRegistryRef = localRegistryRef;
    this.ecrPassword = ecrPassword;
  }

  /** A failure to start a task, with ECS's reason. */
  static final class StartFailure extends Exception {
    StartFailure(String reason) {
      super(reason);
    }
  }

  /**
   * Starts a task's containers and fills in their runtime ids and network bindings.
   *
   * @throws StartFailure with ECS's stopped reason (CannotPullContainerError...)
   */
  void start(ObjectNode task, JsonNode taskDefinition) throws StartFailure {
    String taskId = EcsIds.shortName(task.path("taskArn").asText());
    List<String> created = new ArrayList<>();
    try {
      ArrayNode containers = (ArrayNode) task.path("containers");
      String owner = null;
      JsonNode defs = taskDefinition.path("containerDefinitions");
      for (int i = 0; i < defs.size(); i++) {
        JsonNode def = defs.get(i);
        String image = pull(def.path("image").asText());
        CreateContainerCmd cmd =
            docker
                .createContainerCmd(image)
                .withName(
                    "ecs-"
                        + EcsIds.shortName(task.path("clusterArn").asText())
                        + "-"
                        + taskId.substring(0, 12)
                        + "-"
                        + def.path("name").asText())
                .withLabels(
                    Map.of(
                        TASK_LABEL,
                        task.path("taskArn").asText(),
                        "dev.localbuild.role",
                        "ecs-task",
                        "dev.localbuild.ecs.container",
                        def.path("name").asText(),
                        LocalAwsProcess.INSTANCE_LABEL,
                        instance))
                .withEnv(environment(def));
        if (def.path("command").isArray() && !def.path("command").isEmpty()) {
          cmd.withCmd(strings(def.path("command")));
        }
        if (def.path("entryPoint").isArray() && !def.path("entryPoint").isEmpty()) {
          cmd.withEntrypoint(strings(def.path("entryPoint")));
        }
        HealthCheck health = healthCheck(def.path("healthCheck"));
        if (health != null) {
          cmd.withHealthcheck(health);
        }
        HostConfig host = HostConfig.newHostConfig().withInit(true);
        if (owner == null) {
          // the task's network: every container's port mappings are published by the first one
          Ports ports = new Ports();
          List<ExposedPort> exposed = new ArrayList<>();
          for (JsonNode d : defs) {
            for (JsonNode pm : d.path("portMappings")) {
              ExposedPort p = ExposedPort.tcp(pm.path("containerPort").asInt());
              exposed.add(p);
              ports.bind(p, Ports.Binding.bindIp("127.0.0.1"));
            }
          }
          cmd.withExposedPorts(exposed);
          host.withPortBindings(ports);
        } else {
          host.withNetworkMode("container:" + owner);
        }
        if (def.path("memory").asLong() > 0) {
          host.withMemory(def.path("memory").asLong() * 1024 * 1024);
        }
        String id = cmd.withHostConfig(host).exec().getId();
        created.add(id);
        logs.started(def, taskId, id);
        docker.startContainerCmd(id).exec();
        if (owner == null) {
          owner = id;
        }
        ObjectNode c = (ObjectNode) containers.get(i);
        c.put("runtimeId", id).put("lastStatus", "RUNNING");
      }
      bindings(task, owner);
    } catch (StartFailure e) {
      created.forEach(this::remove);
      throw e;
    } catch (RuntimeException e) {
      created.forEach(this::remove);
      throw new StartFailure("CannotStartContainerError: " + e.getMessage());
    }
  }

  private void bindings(ObjectNode task, String owner) {
    InspectContainerResponse i = docker.inspectContainerCmd(owner).exec();
    Map<ExposedPort, Ports.Binding[]> b = i.getNetworkSettings().getPorts().getBindings();
    for (JsonNode c : task.path("containers")) {
      ArrayNode nb = ((ObjectNode) c).putArray("networkBindings");
      for (JsonNode pm : c.path("portMappings")) {
        Ports.Binding[] bound = b.get(ExposedPort.tcp(pm.path("containerPort").asInt()));
        if (bound != null && bound.length > 0) {
          nb.add(
              Json.object()
                  .put("bindIP", "127.0.0.1")
                  .put("containerPort", pm.path("containerPort").asInt())
                  .put("hostPort", Integer.parseInt(bound[0].getHostPortSpec()))
                  .put("protocol", "tcp"));
        }
      }
      ((ObjectNode) c).remove("portMappings");
    }
  }

  private String pull(String image) throws StartFailure {
    String ref = localRegistryRef.apply(image);
    String withTag =
        ref.contains("@") || ref.substring(ref.lastIndexOf('/') + 1).contains(":")
            ? ref
            : ref + ":latest";
    try {
      docker.inspectImageCmd(withTag).exec();
      if (ref.equals(image)) {
        return withTag; // present: a foreign image is not pulled again (the engine may not reach
        // its registry)
      }
    } catch (NotFoundException e) {
      // pull it
    }
    try {
      var pull = docker.pullImageCmd(withTag);
      if (!ref.equals(image)) {
        pull.withAuthConfig(
            new AuthConfig()
                .withUsername("AWS")
                .withPassword(ecrPassword.get())
                .withRegistryAddress(ref.substring(0, ref.indexOf('/'))));
      }
      pull.exec(new PullImageResultCallback()).awaitCompletion(10, TimeUnit.MINUTES);
      if (!ref.equals(image)) {
        notePulled(withTag);
      }
      return withTag;
    } catch (RuntimeException e) {
      throw new StartFailure(
          "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
              + image
              + ": "
              + String.valueOf(e.getMessage()).strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure("CannotPullContainerError: interrupted");
    }
  }

  private synchronized void notePulled(String image) {
    try {
      java.nio.file.Files.createDirectories(pulledImages.getParent());
      java.nio.file.Files.writeString(
          pulledImages,
          image + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      // only a purge's tidiness is lost: the image stays on the engine, as any pulled image does
    }
  }

  private static List<String> environment(JsonNode def) {
    List<String> env = new ArrayList<>();
    for (JsonNode e : def.path("environment")) {
      env.add(e.path("name").asText() + "=" + e.path("value").asText());
    }
    return env;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** ECS's healthCheck as Docker's: the same command, seconds as nanoseconds. */
  static HealthCheck healthCheck(JsonNode h) {
    if (!h.path("command").isArray() || h.path("command").isEmpty()) {
      return null;
    }
    long second = 1_000_000_000L;
    return new HealthCheck()
        .withTest(strings(h.path("command")))
        .withInterval(h.path("interval").asLong(30) * second)
        .withTimeout(h.path("timeout").asLong(5) * second)
        .withRetries(h.path("retries").asInt(3))
        .withStartPeriod(h.path("startPeriod").asLong(0) * second);
  }

  /** What the engine says of a task's containers now. */
  record Observed(
      boolean essentialExited,
      Long exitCode,
      String exitedContainer,
      String health,
      boolean gone) {}

  Observed observe(ObjectNode task, JsonNode taskDefinition) {
    Map<String, Boolean> essential = new HashMap<>();
    for (JsonNode d : taskDefinition.path("containerDefinitions")) {
      essential.put(d.path("name").asText(), d.path("essential").asBoolean(true));
    }
    boolean anyUnhealthy = false;
    boolean allHealthy = true;
    boolean anyCheck = false;
    for (JsonNode c : task.path("containers")) {
      String id = c.path("runtimeId").asText(null);
      if (id == null) {
        continue;
      }
      InspectContainerResponse.ContainerState s;
      try {
        s = docker.inspectContainerCmd(id).exec().getState();
      } catch (NotFoundException e) {
        return new Observed(true, null, c.path("name").asText(), "UNKNOWN", true);
      }
      if (!Boolean.TRUE.equals(s.getRunning())) {
        ((ObjectNode) c).put("lastStatus", "STOPPED").put("exitCode", s.getExitCodeLong());
        if (essential.getOrDefault(c.path("name").asText(), true)) {
          return new Observed(true, s.getExitCodeLong(), c.path("name").asText(), "UNKNOWN", false);
        }
        continue;
      }
      String h = s.getHealth() == null ? null : s.getHealth().getStatus();
      String status =
          h == null
              ? "UNKNOWN"
              : switch (h) {
                case "healthy" -> "HEALTHY";
                case "unhealthy" -> "UNHEALTHY";
                default -> "UNKNOWN";
              };
      ((ObjectNode) c).put("healthStatus", status);
      if (h != null && essential.getOrDefault(c.path("name").asText(), true)) {
        anyCheck = true;
        anyUnhealthy |= status.equals("UNHEALTHY");
        allHealthy &= status.equals("HEALTHY");
      }
    }
    String health = anyUnhealthy ? "UNHEALTHY" : anyCheck && allHealthy ? "HEALTHY" : "UNKNOWN";
    return new Observed(false, null, null, health, false);
  }

  /** Stops a task's containers (SIGTERM, then SIGKILL after the timeout) and removes them. */
  void stop(JsonNode task, int timeoutSeconds) {
    List<String> ids = new ArrayList<>();
    task.path("containers")
        .forEach(c -> {
          if (c.hasNonNull("runtimeId")) {
            ids.add(0, c.get("runtimeId").asText()); // the network owner last
          }
        });
    for (String id : ids) {
      try {
        docker.stopContainerCmd(id).withTimeout(timeoutSeconds).exec();
      } catch (RuntimeException e) {
        // already stopped or gone
      }
      remove(id);
    }
  }

  private void remove(String id) {
    logs.stopping(id);
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      // gone already
    }
  }

  /**
   * Whether a task's containers are all still there and running (after a restart of the local AWS).
   */
  boolean alive(JsonNode task) {
    for (JsonNode c : task.path("containers")) {
      String id = c.path("runtimeId").asText(null);
      try {
        if (id == null
            || !Boolean.TRUE.equals(
                docker.inspectContainerCmd(id).exec().getState().getRunning())) {
          return false;
        }
      } catch (NotFoundException e) {
        return false;
      }
    }
    return true;
  }
}
