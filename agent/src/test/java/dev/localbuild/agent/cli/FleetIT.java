package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.Build;

/**
 * A fleet: several {@code localbuild serve} processes on loopback, each with its own data directory
 * and port, sharing one PostgreSQL (Debian's, which {@code .ci/run} starts), in a schema of the
 * test's own. The AWS CLI and the SDK drive them as users would; the database is read directly only
 * to see which agent holds what.
 */
@Timeout(900)
class FleetIT {
  static final String POSTGRES =
      System.getenv()
          .getOrDefault(
              "LOCALBUILD_TEST_POSTGRES",
              "postgresql://localbuild:localbuild@127.0.0.1:5432/localbuild_test");

  @TempDir Path tmp;
  final String schema = "fleet_it_" + ProcessHandle.current().pid();
  final String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
  final List<LocalbuildProcess> agents = new ArrayList<>();
  final Map<Integer, String> endpoints = new HashMap<>();
  String masterKey;
  JsonNode key;

  @BeforeEach
  void freshSchema() throws Exception {
    try (Connection c = jdbc("");
        var st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      st.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(
          "PostgreSQL is not reachable at "
              + POSTGRES
              + " ("
              + e.getMessage()
              + "): .ci/run installs and starts it, or set LOCALBUILD_TEST_POSTGRES",
          e);
    }
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    masterKey = Base64.getEncoder().encodeToString(k);
  }

  @AfterEach
  void stopAgents() throws Exception {
    for (LocalbuildProcess a : agents) {
      a.process.destroy(); // SIGTERM: it stops its builds and leaves
    }
    for (LocalbuildProcess a : agents) {
      if (!a.process.waitFor(90, TimeUnit.SECONDS)) {
        a.process.destroyForcibly();
      }
    }
    // what a killed agent left is reaped by the next agent started on this host; a test's last
    // kill has no next agent, so the test reaps its own projects' containers here
    try (var docker = DockerClients.create()) {
      for (var c :
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(List.of(Labels.PROJECT))
              .exec()) {
        if (c.getLabels().getOrDefault(Labels.PROJECT, "").endsWith("-" + tag)) {
          docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
      }
    }
    try (Connection c = jdbc("");
        var st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** The test's database URL as {@code --database} takes it. */
  String database() {
    return POSTGRES + "?currentSchema=" + schema;
  }

  Connection jdbc(String query) throws Exception {
    String rest = POSTGRES.replaceFirst("^postgres(ql)?://", "");
    String cred = rest.substring(0, rest.lastIndexOf('@'));
    return DriverManager.getConnection(
        "jdbc:postgresql://" + rest.substring(rest.lastIndexOf('@') + 1) + query,
        cred.substring(0, cred.indexOf(':')),
        cred.substring(cred.indexOf(':') + 1));
  }

  List<String> sql(String select, Object... args) throws Exception {
    try (Connection c = jdbc("?currentSchema=" + schema);
        var st = c.prepareStatement(select)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** An agent's home, with the fleet's master key in its data directory. */
  Path home(int n) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("agent-" + n).resolve("server"));
    Path file = data.resolve("master.key");
    if (!Files.exists(file)) {
      Files.writeString(file, masterKey + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return data.getParent();
  }

  LocalbuildProcess startAgent(int n, List<String> prefix, String... more) throws Exception {
    return startAgent(n, prefix, database(), Map.of(), more);
  }

  /** Agent n: under {@code prefix} (a network namespace), on {@code database}, with {@code env}. */
  LocalbuildProcess startAgent(
      int n, List<String> prefix, String database, Map<String, String> env, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--port",
                "0",
                "--concurrency",
                "2",
                "--database",
                database,
                "--agent-name",
                "agent-" + n,
                "--lease",
                "6s"));
    args.addAll(List.of(more));
    LocalbuildProcess p =
        LocalbuildProcess.start(prefix, tmp, home(n), env, args.toArray(String[]::new));
    agents.add(p);
    return p;
  }

  void createKey(int n) throws Exception {
    LocalbuildProcess keys =
        LocalbuildProcess.start(tmp, home(n), "serve", "keys", "create", "--database", database());
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    key = RecordJson.MAPPER.readTree(keys.out());
  }

  ServeProcess.Cli aws(int agent, String... args) throws Exception {
    return ServeProcess.aws(
        tmp,
        endpoints.get(agent),
        key.path("accessKeyId").asText(),
        key.path("secretAccessKey").asText(),
        args);
  }

  CodeBuildClient sdk(int agent) {
    return CodeBuildClient.builder()
        .endpointOverride(URI.create(endpoints.get(agent)))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    key.path("accessKeyId").asText(), key.path("secretAccessKey").asText())))
        .build();
  }

  void createProject(int agent, String name, String commands, String environment) throws Exception {
    ServeProcess.createProject(
        tmp,
        endpoints.get(agent),
        key.path("accessKeyId").asText(),
        key.path("secretAccessKey").asText(),
        name,
        RecordJson.MAPPER
            .createObjectNode()
            .put("type", "NO_SOURCE")
            .put("buildspec", "version: 0.2\nphases:\n  build:\n    commands:\n" + commands)
            .toString(),
        environment);
  }

  static final String BUSYBOX =
      "{\"type\": \"LINUX_CONTAINER\", \"image\": \"busybox:latest\", \"computeType\":"
          + " \"BUILD_GENERAL1_SMALL\"}";

  static void await(String what, int seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  String logs() throws Exception {
    StringBuilder all = new StringBuilder();
    for (LocalbuildProcess a : agents) {
      all.append(a.err());
    }
    return all.toString();
  }

  @Test
  void sixtyBuildsRunOnceOnAgentsThatDieAndJoinAndAnyAgentAnswersForAll() throws Exception {
    // three agents start at once on an empty schema: one migrates it, the others wait for it
    for (int n = 1; n <= 3; n++) {
      startAgent(n, List.of());
    }
    for (int n = 1; n <= 3; n++) {
      endpoints.put(n, ServeProcess.endpoint(agents.get(n - 1)));
    }
    createKey(2);
    List<String> projects = List.of("web-" + tag, "api-" + tag, "docs-" + tag);
    for (String p : projects) {
      createProject(1, p, "      - sleep 2\n      - echo built $CODEBUILD_BUILD_ID\n", BUSYBOX);
    }
    List<String> ids = new ArrayList<>();
    List<CodeBuildClient> clients = List.of(sdk(1), sdk(2), sdk(3));
    for (int i = 0; i < 60; i++) {
      // StartBuild on any agent: the queue is the database's
      ids.add(
          clients
              .get(i % 3)
              .startBuild(b -> b.projectName(projects.get(ids.size() % 3)))
              .build()
              .id());
    }

    // agent 2 is killed while a build of its own is in BUILD
    await(
        "agent-2 running a build",
        300,
        () -> {
          try {
            return !sql("SELECT id FROM builds WHERE agent LIKE 'agent-2/%' AND status = 'IN_PROGRESS'"
                    + " AND record LIKE '%\"currentPhase\":\"BUILD\"%'")
                .isEmpty();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    agents.get(1).process.destroyForcibly(); // SIGKILL
    agents.get(1).process.waitFor(30, TimeUnit.SECONDS);
    List<String> killed =
        sql("SELECT id FROM builds WHERE agent LIKE 'agent-2/%' AND status = 'IN_PROGRESS'");
    assertThat(killed).isNotEmpty();

    // a fourth agent joins while builds still wait
    startAgent(4, List.of());
    endpoints.put(4, ServeProcess.endpoint(agents.get(3)));

    CodeBuildClient three = clients.get(2);
    await(
        "every build to end",
        600,
        () ->
            three.batchGetBuilds(b -> b.ids(ids)).builds().stream().allMatch(Build::buildComplete));
    Map<String, Build> ended = new HashMap<>();
    three.batchGetBuilds(b -> b.ids(ids)).builds().forEach(b -> ended.put(b.id(), b));

    // the killed agent's builds are FAULT, naming it; every other build succeeded
    for (String id : ids) {
      Build b = ended.get(id);
      if (killed.contains(id)) {
        assertThat(b.buildStatusAsString()).as(id).isEqualTo("FAULT");
        assertThat(b.phases().stream().flatMap(p -> p.contexts().stream()).map(c -> c.message()))
            .as(id)
            .anyMatch(m -> m.contains("The localbuild agent agent-2 stopped renewing its lease"));
      } else {
        assertThat(b.buildStatusAsString()).as(id + ": " + b).isEqualTo("SUCCEEDED");
      }
    }
    String logs = logs();
    // each build was taken by exactly one agent, once; agent 2 was declared lost once
    for (String id : ids) {
      assertThat(count(logs, id + ": claimed by agent ")).as(id).isEqualTo(1);
    }
    assertThat(count(logs, " is lost (")).as(logs).isEqualTo(1);
    assertThat(agents.get(3).err()).contains(": claimed by agent agent-4/");
    // the migration ran once, whoever ran it
    assertThat(sql("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '6'"))
        .containsExactly("1");

    // the AWS CLI against any agent sees every build
    ServeProcess.Cli listed = aws(4, "codebuild", "list-builds");
    assertThat(listed.exit()).as(listed.err()).isZero();
    List<String> seen = new ArrayList<>();
    listed.json().path("ids").forEach(n -> seen.add(n.asText()));
    assertThat(seen).containsAll(ids);

    // StopBuild sent to one agent stops a build another agent runs
    createProject(1, "long-" + tag, "      - sleep 300\n", BUSYBOX);
    String longOne = clients.get(0).startBuild(b -> b.projectName("long-" + tag)).build().id();
    await(
        "the long build in BUILD",
        120,
        () ->
            "BUILD"
                .equals(three.batchGetBuilds(b -> b.ids(longOne)).builds().get(0).currentPhase()));
    String runner = sql("SELECT agent FROM builds WHERE id = ?", longOne).get(0);
    int elsewhere = runner.startsWith("agent-1/") ? 3 : 1;
    ServeProcess.Cli stop = aws(elsewhere, "codebuild", "stop-build", "--id", longOne);
    assertThat(stop.exit()).as(stop.err()).isZero();
    await(
        "the long build STOPPED",
        60,
        () ->
            "STOPPED"
                .equals(
                    three
                        .batchGetBuilds(b -> b.ids(longOne))
                        .builds()
                        .get(0)
                        .buildStatusAsString()));
    clients.forEach(CodeBuildClient::close);
  }

  @Test
  void anAgentCutOffFromTheDatabaseStopsItsBuildsAndNothingRunsTwice() throws Exception {
    try (NetNamespace ns = NetNamespace.create("lbf" + tag)) {
      try (TcpForwarder toPostgres =
          TcpForwarder.start(ns.hostAddress(), postgresHost(), postgresPort())) {
        // agent 1 on the host; agent 2 in its own network namespace, reaching PostgreSQL only
        // through a forwarder on the namespace's link, which the test then cuts
        startAgent(1, List.of());
        endpoints.put(1, ServeProcess.endpoint(agents.get(0)));
        createKey(1);
        // Debian's AWS CLI predates fleets: the SDK makes it
        String fleetArn;
        try (CodeBuildClient one = sdk(1)) {
          fleetArn =
              one.createFleet(f ->
                      f.name("cut-" + tag)
                          .baseCapacity(1)
                          .environmentType("LINUX_CONTAINER")
                          .computeType("BUILD_GENERAL1_SMALL"))
                  .fleet()
                  .arn();
        }
        try (CodeBuildClient one = sdk(1)) {
          one.createProject(p ->
              p.name("cut-" + tag)
                  .source(src ->
                      src.type("NO_SOURCE")
                          .buildspec(
                              "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 300\n"))
                  .artifacts(a -> a.type("NO_ARTIFACTS"))
                  .environment(e ->
                      e.type("LINUX_CONTAINER")
                          .image("busybox:latest")
                          .computeType("BUILD_GENERAL1_SMALL")
                          .fleet(f -> f.fleetArn(fleetArn)))
                  .serviceRole("arn:aws:iam::000000000000:role/localbuild-build"));
        }

        String throughLink =
            database()
                .replace(
                    postgresHost() + ":" + postgresPort(),
                    ns.hostAddress() + ":" + toPostgres.port());
        LocalbuildProcess cut =
            startAgent(2, ns.exec(), throughLink, Map.of(), "--fleet", "cut-" + tag);
        ServeProcess.endpoint(cut);

        String id;
        try (CodeBuildClient one = sdk(1)) {
          id = one.startBuild(b -> b.projectName("cut-" + tag)).build().id();
          await(
              "the build in BUILD on agent 2",
              120,
              () ->
                  "BUILD"
                      .equals(one.batchGetBuilds(b -> b.ids(id)).builds().get(0).currentPhase()));
          assertThat(sql("SELECT agent FROM builds WHERE id = ?", id).get(0))
              .startsWith("agent-2/");
          // agent 1 joins the fleet too: it could take the build if it were ever queued again
          startAgent(3, List.of(), "--fleet", "cut-" + tag);
          endpoints.put(3, ServeProcess.endpoint(agents.get(2)));

          ns.cut();
          // agent 2 stops its build at half its lease; another agent records it FAULT after
          await(
              "agent 2 to stop its build",
              60,
              () -> {
                try {
                  return cut.err().contains("lost its lease") && containers(id) == 0;
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
          await(
              "the build FAULT",
              60,
              () ->
                  "FAULT"
                      .equals(
                          one.batchGetBuilds(b -> b.ids(id))
                              .builds()
                              .get(0)
                              .buildStatusAsString()));
          ns.restore();
          await(
              "agent 2 to join again",
              60,
              () -> {
                try {
                  return cut.err().contains("joined again as agent-2/");
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
          Build b = one.batchGetBuilds(x -> x.ids(id)).builds().get(0);
          assertThat(b.buildStatusAsString()).isEqualTo("FAULT"); // its late STOPPED was refused
          assertThat(b.phases().stream().flatMap(p -> p.contexts().stream()).map(c -> c.message()))
              .anyMatch(m -> m.contains("The localbuild agent agent-2 stopped renewing its lease"));
        }
        assertThat(count(logs(), id + ": claimed by agent ")).isEqualTo(1);
        assertThat(count(logs(), " is lost (")).isEqualTo(1);
      }
    }
  }

  @Test
  void aCacheSavedByOneAgentIsRestoredByAnotherThroughTheSharedS3() throws Exception {
    // the fleet's S3: a local AWS on this host, which every agent reaches with -c --aws-endpoint
    Path awsHome = Files.createDirectories(tmp.resolve("aws-home"));
    LocalbuildProcess started = LocalbuildProcess.start(tmp, awsHome, "aws", "start");
    assertThat(started.waitFor()).as(started.err()).isZero();
    try {
      Map<String, String> awsEnv = new HashMap<>();
      LocalbuildProcess env = LocalbuildProcess.start(tmp, awsHome, "aws", "env");
      assertThat(env.waitFor()).as(env.err()).isZero();
      for (String line : env.out().split("\n")) {
        if (line.startsWith("export ")) {
          String kv = line.substring("export ".length());
          awsEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      String s3 = awsEnv.get("AWS_ENDPOINT_URL");
      ServeProcess.Cli bucket =
          ServeProcess.aws(
              tmp,
              s3,
              awsEnv.get("AWS_ACCESS_KEY_ID"),
              awsEnv.get("AWS_SECRET_ACCESS_KEY"),
              "s3api",
              "create-bucket",
              "--bucket",
              "cache-" + tag);
      assertThat(bucket.exit()).as(bucket.err()).isZero();

      String project = "cached-" + tag;
      String buildspec =
          """
          version: 0.2
          phases:
            build:
              commands:
                - mkdir -p deps
                - if [ -f deps/stamp ]; then echo "HIT $(cat deps/stamp)"; else echo "$CODEBUILD_BUILD_ID" > deps/stamp; echo MISS; fi
          cache:
            paths:
              - 'deps/**/*'
          """;
      String[] builds = new String[2];
      for (int n = 1; n <= 2; n++) {
        // one agent at a time, so that each build runs on the agent meant
        LocalbuildProcess agent =
            startAgent(n, List.of(), database(), awsEnv, "-c", "--aws-endpoint", s3);
        endpoints.put(n, ServeProcess.endpoint(agent));
        if (n == 1) {
          createKey(1);
          try (CodeBuildClient c = sdk(1)) {
            c.createProject(p ->
                p.name(project)
                    .source(src -> src.type("NO_SOURCE").buildspec(buildspec))
                    .artifacts(a -> a.type("NO_ARTIFACTS"))
                    .cache(cache -> cache.type("S3").location("cache-" + tag + "/fleet"))
                    .environment(e ->
                        e.type("LINUX_CONTAINER")
                            .image("busybox:latest")
                            .computeType("BUILD_GENERAL1_SMALL"))
                    .serviceRole("arn:aws:iam::000000000000:role/localbuild-build"));
          }
        }
        try (CodeBuildClient c = sdk(n)) {
          String id = c.startBuild(b -> b.projectName(project)).build().id();
          builds[n - 1] = id;
          await(
              "build " + n,
              180,
              () -> c.batchGetBuilds(b -> b.ids(id)).builds().get(0).buildComplete());
          Build b = c.batchGetBuilds(x -> x.ids(id)).builds().get(0);
          assertThat(b.buildStatusAsString()).as(agent.err()).isEqualTo("SUCCEEDED");
        }
        assertThat(agent.err()).contains(builds[n - 1] + ": claimed by agent agent-" + n + "/");
        agent.process.destroy();
        assertThat(agent.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      }
      // agent 2's build found what agent 1's saved; read through agent 1, restarted
      LocalbuildProcess again = startAgent(1, List.of());
      endpoints.put(1, ServeProcess.endpoint(again));
      List<String> lines = new ArrayList<>();
      ServeProcess.Cli log =
          aws(
              1,
              "logs",
              "get-log-events",
              "--log-group-name",
              "/aws/codebuild/" + project,
              "--log-stream-name",
              builds[1].substring(builds[1].indexOf(':') + 1));
      assertThat(log.exit()).as(log.err()).isZero();
      log.json().path("events").forEach(e -> lines.add(e.path("message").asText()));
      assertThat(lines).anyMatch(l -> l.contains("Restored cache"));
      assertThat(lines).anyMatch(l -> l.contains("HIT " + builds[0]));
    } finally {
      LocalbuildProcess stop = LocalbuildProcess.start(tmp, awsHome, "aws", "stop", "--purge");
      stop.waitFor();
    }
  }

  /** How many containers of this build exist. */
  static int containers(String buildId) throws Exception {
    try (var docker = DockerClients.create()) {
      return docker
          .listContainersCmd()
          .withShowAll(true)
          .withLabelFilter(Map.of(Labels.BUILD, buildId))
          .exec()
          .size();
    }
  }

  String postgresHost() {
    String rest = POSTGRES.substring(POSTGRES.lastIndexOf('@') + 1);
    return rest.substring(0, rest.indexOf(':'));
  }

  int postgresPort() {
    String rest = POSTGRES.substring(POSTGRES.lastIndexOf('@') + 1);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }
}
