package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger's build and an impatient user: a fork bomb stays in its build's cgroup, a buildspec
 * that is a link to /dev/zero is refused at once, and Ctrl-C, at any moment, leaves a record, a
 * summary and no container.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HardeningIT {
  @TempDir Path tmp;
  Path src;
  Path home;
  static DockerClient docker;

  @BeforeAll
  static void client() {
    docker = DockerClients.create();
  }

  @AfterAll
  static void close() throws IOException {
    docker.close();
  }

  @BeforeEach
  void dirs() throws IOException {
    src = Files.createDirectories(tmp.resolve("hardened"));
    home = Files.createDirectories(tmp.resolve("home"));
  }

  LocalbuildProcess run(String buildspec, String... args) throws IOException {
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    String[] all = new String[args.length + 3];
    all[0] = "run";
    all[1] = "-i";
    all[2] = "busybox:latest";
    System.arraycopy(args, 0, all, 3, args.length);
    return LocalbuildProcess.start(src, home, all);
  }

  long containers() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(Labels.PROJECT, "hardened"))
        .exec()
        .size();
  }

  static long hostProcesses() throws IOException {
    try (var s = Files.list(Path.of("/proc"))) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  @Test
  void aForkBombEndsInItsOwnCgroup() throws Exception {
    long before = hostProcesses();
    LocalbuildProcess p =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo bombing
                  - 'b() { b | b & }; b; sleep 5'
            """,
            "--timeout",
            "90s");
    AtomicInteger max = new AtomicInteger();
    while (p.process.isAlive()) {
      max.accumulateAndGet((int) (hostProcesses() - before), Math::max);
      p.process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    assertThat(p.out()).contains("bombing");
    // BUILD_GENERAL1_SMALL's limit is 4096: the bomb got that far and no further
    assertThat(max.get())
        .as("processes added on this machine at most")
        .isGreaterThan(1000)
        .isLessThan(4096 + 300);
    // whether its last command could still fork decides the status: contained either way
    assertThat(p.process.exitValue()).as(p.err()).isIn(0, 1, 4);
    assertThat(containers()).isZero();
    assertThat(hostProcesses() - before).as("processes left").isLessThan(100);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aBuildspecLinkedToDevZeroIsRefusedAtOnce() throws Exception {
    Files.createSymbolicLink(src.resolve("buildspec.yml"), Path.of("/dev/zero"));
    LocalbuildProcess p = LocalbuildProcess.start(src, home, "run", "-i", "busybox:latest");
    assertThat(p.waitFor(1)).isEqualTo(1);
    assertThat(p.out())
        .contains("Phase context status code: YAML_FILE_ERROR")
        .contains("outside the source");
    JsonNode record =
        RecordJson.MAPPER.readTree(home.resolve("projects/hardened/builds/1.json").toFile());
    assertThat(record.path("buildStatus").asText()).isEqualTo("FAILED");
  }

  /**
   * 20 times in a row, at the moment the build's command runs: the record and summary each time.
   */
  @Test
  void ctrlCTwentyTimesLeavesARecordAndSummaryEachTime() throws Exception {
    for (int i = 1; i <= 20; i++) {
      Path json = tmp.resolve("r" + i + ".json");
      LocalbuildProcess p =
          run(
              "version: 0.2\nphases:\n  build:\n    commands: [echo started, sleep 120]\n",
              "--json",
              json.toString());
      CliIT.awaitOutput(p, "started");
      new ProcessBuilder("kill", "-INT", Long.toString(p.process.pid())).start().waitFor();
      assertThat(p.waitFor()).as("run %d", i).isEqualTo(130);
      assertThat(json).as("run %d's --json record", i).exists();
      assertThat(RecordJson.MAPPER.readTree(json.toFile()).path("buildStatus").asText())
          .isEqualTo("STOPPED");
      assertThat(p.err()).as("run %d's summary", i).contains("STOPPED");
      assertThat(containers()).as("containers after run %d", i).isZero();
    }
  }

  /**
   * Ctrl-C at moments spread over the start of a build (JVM start, set-up, provisioning, the first
   * command): whatever it interrupts, no container stays behind. The moments are the point of the
   * test, so this one waits for time to pass rather than for a condition.
   */
  @Test
  void ctrlCAtAnyMomentOfTheStartLeavesNoContainer() throws Exception {
    for (int i = 0; i < 8; i++) {
      LocalbuildProcess p =
          run("version: 0.2\nphases:\n  build:\n    commands: [echo done]\n", "--json", "r.json");
      p.process.waitFor(300 + 150L * i, TimeUnit.MILLISECONDS);
      new ProcessBuilder("kill", "-INT", Long.toString(p.process.pid())).start().waitFor();
      int exit = p.waitFor();
      assertThat(exit).as("run %d: %s", i, p.err()).isIn(0, 130);
      assertThat(p.err()).as("run %d", i).doesNotContain("Exception");
      assertThat(containers()).as("containers after run %d", i).isZero();
    }
  }

  /** Two builds that start the local AWS at once get one server, and both get its port. */
  @Test
  void twoStartsAtOnceGiveOneLocalAws() throws Exception {
    try {
      LocalbuildProcess a = LocalbuildProcess.start(src, home, "aws", "start");
      LocalbuildProcess b = LocalbuildProcess.start(src, home, "aws", "start");
      assertThat(a.waitFor()).as(a.err()).isZero();
      assertThat(b.waitFor()).as(b.err()).isZero();
      assertThat(a.out().strip()).isEqualTo(b.out().strip()).startsWith("http://127.0.0.1:");
      LocalbuildProcess status = LocalbuildProcess.start(src, home, "aws", "status");
      assertThat(status.waitFor()).isZero();
      assertThat(status.out().strip()).isEqualTo(a.out().strip());
      LocalbuildProcess env = LocalbuildProcess.start(src, home, "aws", "env");
      assertThat(env.waitFor()).isZero();
      assertThat(env.out())
          .contains("export AWS_ENDPOINT_URL=" + a.out().strip())
          .contains("export AWS_ACCESS_KEY_ID=LKIA")
          .contains("export AWS_SECRET_ACCESS_KEY=");
      assertThat(java.nio.file.Files.getPosixFilePermissions(home.resolve("aws/root-key.json")))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    } finally {
      assertThat(LocalbuildProcess.start(src, home, "aws", "stop", "--purge").waitFor()).isZero();
    }
  }
}
