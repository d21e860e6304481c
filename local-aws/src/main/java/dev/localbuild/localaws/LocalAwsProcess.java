package dev.localbuild.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local AWS as a long-running background process, which builds use and which keeps deployed
 * services answering after the build ends: found through {@code server.json} in its state
 * directory, started (detached, in its own session) when it is not running.
 */
public final class LocalAwsProcess {
  private LocalAwsProcess() {}

  /** A running local AWS. */
  public record Running(long pid, int port, String gateway, String region) {
    public String endpoint() {
      return "http://127.0.0.1:" + port;
    }
  }

  /** Containers of a local AWS carry this label with its instance. */
  public static final String INSTANCE_LABEL = "dev.localbuild.aws-instance";

  /**
   * A local AWS's instance: a short hash of its state directory, which names its registry container
   * and volume, so that local AWSes of different state directories (users, tests) never share
   * images or tasks.
   */
  public static String instance(Path stateDir) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  stateDir
                      .toAbsolutePath()
                      .normalize()
                      .toString()
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(h, 0, 5);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The root key of the local AWS of this state directory, which its owner signs with. */
  public static software.amazon.awssdk.auth.credentials.AwsBasicCredentials rootKey(Path stateDir)
      throws IOException {
    var k = dev.localbuild.localaws.auth.AccessKeys.rootKey(stateDir, ACCOUNT);
    return software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
        k.accessKeyId(), k.secretAccessKey());
  }

  /** The local AWS's account. */
  public static final String ACCOUNT = "000000000000";

  /** The jar this code runs from: the local AWS runs as its own process from the same jar. */
  public static Path jar() {
    try {
      return Path.of(
          LocalAwsProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path serverFile(Path stateDir) {
    return stateDir.resolve("server.json");
  }

  /** The local AWS running for this state directory, if one answers. */
  public static Optional<Running> find(Path stateDir) {
    Path f = serverFile(stateDir);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      Running r =
          new Running(
              n.path("pid").asLong(),
              n.path("port").asInt(),
              n.path("gateway").asText(null),
              "us-east-1");
      HttpResponse<String> res =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofMillis(500))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(r.endpoint() + "/_localbuild/health"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode health = Json.MAPPER.readTree(res.body());
      // another local AWS on the port (another state directory's) is not this one
      if (!instance(stateDir).equals(health.path("instance").asText())) {
        return Optional.empty();
      }
      return Optional.of(
          new Running(r.pid(), r.port(), r.gateway(), health.path("region").asText("us-east-1")));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Records a server that just started, for the next {@link #find}.
   *
   * @param embedded it runs inside another program (the build server), which {@link #stop} must not
   *     kill
   */
  static void announce(Path stateDir, int port, String gateway, boolean embedded)
      throws IOException {
    Files.createDirectories(stateDir);
    Files.writeString(
        serverFile(stateDir),
        Json.object()
            .put("pid", ProcessHandle.current().pid())
            .put("port", port)
            .put("gateway", gateway)
            .put("embedded", embedded)
            .toString());
  }

  /** How a local AWS is started when none answers for a state directory. */
  @FunctionalInterface
  public interface Starter {
    /** Starts one and returns once it answers. */
    Running start(Path stateDir, String region) throws IOException, InterruptedException;
  }

  /**
   * The running local AWS, started in the background if needed (its log goes to {@code
   * server.log}).
   *
   * @param jar localbuild's jar, to run {@code aws serve}
   */
  public static Running ensure(Path stateDir, Path jar, String region)
      throws IOException, InterruptedException {
    return ensure(stateDir, region, (dir, r) -> spawn(dir, jar, r));
  }

  /** The running local AWS, started by {@code starter} if needed. */
  public static Running ensure(Path stateDir, String region, Starter starter)
      throws IOException, InterruptedException {
    Optional<Running> found = find(stateDir);
    if (found.isPresent()) {
      return found.get();
    }
    Files.createDirectories(stateDir);
    // two builds starting at once must start one server: the second waits for the first's
    // (and two threads of one agent: a file lock alone would throw for the second)
    try {
      return dev.localbuild.cache.FileLocks.locked(
          stateDir.resolve("start.lock"),
          ch -> {
            Optional<Running> again = find(stateDir);
            if (again.isPresent()) {
              return again.get();
            }
            try {
              return starter.start(stateDir, region);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException("interrupted while starting the local AWS");
            }
          });
    } catch (java.io.InterruptedIOException e) {
      throw new InterruptedException(e.getMessage());
    }
  }

  private static Running spawn(Path stateDir, Path jar, String region)
      throws IOException, InterruptedException {
    Optional<Running> found;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: Ctrl-C of a build does not stop it
    }
    cmd.addAll(
        List.of(
            java,
            "-Xmx256m",
            "-jar",
            jar.toString(),
            "aws",
            "serve",
            "--state",
            stateDir.toString(),
            "--region",
            region));
    new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("server.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    for (int i = 0; i < 300; i++) {
      Thread.sleep(100);
      found = find(stateDir);
      if (found.isPresent()) {
        return found.get();
      }
    }
    throw new IOException("the local AWS did not start; see " + stateDir.resolve("server.log"));
  }

  /**
   * Stops the server of this state directory, if it runs, and removes what it ran in Docker: the
   * containers of its ECS tasks and its registry. Its state and the images pushed to its ECR stay;
   * on the next start, services get their tasks back as ECS would replace stopped ones.
   *
   * @return whether a server was running
   */
  public static boolean stop(Path stateDir, DockerClient docker, boolean purge)
      throws InterruptedException {
    Optional<Running> running = find(stateDir);
    if (running.isPresent() && embedded(stateDir)) {
      throw new IllegalStateException(
          "the local AWS of "
              + stateDir
              + " runs inside localbuild serve (pid "
              + running.get().pid()
              + "): it stops with the server");
    }
    running
        .flatMap(r -> ProcessHandle.of(r.pid()))
        .ifPresent(h -> {
          h.destroy();
          try {
            h.onExit().get(10, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e) {
            h.destroyForcibly();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    removeContainers(docker, stateDir);
    try {
      Files.deleteIfExists(serverFile(stateDir));
      if (purge) {
        purge(stateDir, docker);
      }
    } catch (IOException e) {
      // a stale server.json is ignored by find(); a state left behind is reported by the next start
    }
    return running.isPresent();
  }

  /**
   * Where the local ECS notes the images it pulled from the local ECR onto the engine: a purge
   * deletes the registry they came from, so it removes them too.
   */
  static Path pulledImages(Path stateDir) {
    return stateDir.resolve("pulled-images");
  }

  private static boolean embedded(Path stateDir) {
    try {
      return Json.MAPPER.readTree(serverFile(stateDir).toFile()).path("embedded").asBoolean();
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes what a local AWS runs in Docker: its ECS tasks' containers and its registry. */
  public static void removeContainers(DockerClient docker, Path stateDir) {
    String instance = instance(stateDir);
    for (var c :
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(INSTANCE_LABEL, instance))
            .exec()) {
      remove(docker, c.getId());
    }
    remove(docker, RegistryBackend.container(instance));
    try {
      docker.removeNetworkCmd(RegistryBackend.network(instance)).exec();
    } catch (NotFoundException e) {
      // never made, or gone
    } catch (RuntimeException inUse) {
      // still has a container: left for the next stop
    }
  }

  /**
   * Deletes a stopped local AWS's state: its registry's volume (the pushed images), S3 objects and
   * state.json. The parameters file stays: it is the user's.
   */
  public static void purge(Path stateDir, DockerClient docker) throws IOException {
    try {
      docker.removeVolumeCmd(RegistryBackend.volume(instance(stateDir))).exec();
    } catch (NotFoundException e) {
      // never made
    }
    Path pulled = pulledImages(stateDir);
    if (Files.exists(pulled)) {
      for (String image : new java.util.TreeSet<>(Files.readAllLines(pulled))) {
        try {
          docker.removeImageCmd(image).exec();
        } catch (NotFoundException e) {
          // removed by the user already
        } catch (RuntimeException inUse) {
          // a container of the user's still runs it: theirs to remove
        }
      }
      Files.delete(pulled);
    }
    for (String name : List.of("state.json", "s3", "server.log", "sessions.json")) {
      Path p = stateDir.resolve(name);
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      } else {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void remove(DockerClient docker, String container) {
    try {
      docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // already gone
    }
  }
}
