package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.Labels;
import dev.localbuild.agent.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --debug-on-failure} and {@code --debug} as a person uses them, through a
 * pseudo-terminal (Python's pty module drives bin/localbuild): the shell opens at the failing
 * command with the build's directory and variables, and {@code exit} lets the build end FAILED with
 * its record; a run without a terminal waits at its breakpoint until someone attaches and runs
 * codebuild-resume.
 */
@Timeout(300)
class DebugIT {
  /** Runs a command on a pseudo-terminal; once the debug shell's prompt shows, types the answer. */
  static final String DRIVER =
      """
      import os, pty, select, sys, time
      answer, argv = sys.argv[1].encode(), sys.argv[2:]
      pid, fd = pty.fork()
      if pid == 0:
          os.execvp(argv[0], argv)
      out, sent, deadline = b'', False, time.time() + 240
      while time.time() < deadline:
          ready, _, _ = select.select([fd], [], [], 0.5)
          if fd in ready:
              try:
                  data = os.read(fd, 4096)
              except OSError:
                  break
              if not data:
                  break
              out += data
              if not sent and b'[localbuild debug]' in out:
                  os.write(fd, answer)
                  sent = True
      _, status = os.waitpid(pid, 0)
      sys.stdout.buffer.write(out)
      sys.exit(os.waitstatus_to_exitcode(status))
      """;

  /** The launcher users run: it tells the JVM that a person is at the terminal. */
  static final Path LAUNCHER = Path.of("../bin/localbuild").toAbsolutePath().normalize();

  @TempDir Path tmp;

  record Ran(int exit, String out) {}

  Ran onTerminal(Path dir, Path home, String answer, String... args) throws Exception {
    Path driver = tmp.resolve("drive_tty.py");
    Files.writeString(driver, DRIVER);
    List<String> cmd = new ArrayList<>(List.of("python3", driver.toString(), answer));
    cmd.add(LAUNCHER.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("LOCALBUILD_HOME", home.toString());
    pb.environment().put("LOCALBUILD_NO_AOT", "1"); // no background training beside the test
    Path out = tmp.resolve("tty-" + System.nanoTime() + ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
    return new Ran(p.exitValue(), Files.readString(out));
  }

  static long containers(String project) {
    try (DockerClient docker = DockerClients.create()) {
      return docker
          .listContainersCmd()
          .withShowAll(true)
          .withLabelFilter(Map.of(Labels.PROJECT, project))
          .exec()
          .size();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aShellOpensAtTheFailingCommandWithTheBuildsDirectoryAndVariables() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("failing"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        """
        version: 0.2
        phases:
          build:
            commands:
              - export FOO=bar
              - mkdir -p sub && cd sub
              - "false"
              - echo never
        """);
    Path home = Files.createDirectories(tmp.resolve("home"));
    Ran ran =
        onTerminal(
            src,
            home,
            "pwd; echo \"FOO is $FOO\"; exit\n",
            "run",
            "-i",
            "debian:bookworm",
            "--debug-on-failure",
            "--json",
            "r.json");
    assertThat(ran.exit()).as(ran.out()).isEqualTo(ExitCodes.FAILED);
    assertThat(ran.out())
        .contains("localbuild: paused at the failing command `false` (exit status 1)")
        .containsPattern("\\n/codebuild/output/src\\d+/src/sub\\r?\\n")
        .contains("FOO is bar")
        .doesNotContain("never");
    var record = RecordJson.MAPPER.readTree(src.resolve("r.json").toFile());
    assertThat(record.path("buildStatus").asText()).isEqualTo("FAILED");
    assertThat(containers("failing")).isZero();
  }

  @Test
  void withoutATerminalABreakpointWaitsForSomeoneToAttachAndResume() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("paused"));
    Files.writeString(
        src.resolve("buildspec.yml"),
        """
        version: 0.2
        phases:
          build:
            commands:
              - export FOO=bar
              - codebuild-breakpoint
              - echo after the breakpoint
        """);
    Path home = Files.createDirectories(tmp.resolve("home2"));
    LocalbuildProcess run =
        LocalbuildProcess.start(src, home, "run", "-i", "debian:bookworm", "--debug");
    String err = "";
    for (int i = 0; i < 600 && !err.contains("localbuild attach paused"); i++) {
      assertThat(run.process.isAlive()).as(err).isTrue();
      TimeUnit.MILLISECONDS.sleep(100);
      err = run.err();
    }
    assertThat(err)
        .contains("paused at codebuild-breakpoint. To look inside: localbuild attach paused");
    assertThat(run.out()).doesNotContain("after the breakpoint");
    Ran attached =
        onTerminal(src, home, "echo \"FOO is $FOO\"; codebuild-resume\n", "attach", "paused");
    assertThat(attached.out()).contains("FOO is bar");
    assertThat(run.waitFor(2)).as(run.err()).isZero();
    assertThat(run.out()).contains("after the breakpoint");
    assertThat(containers("paused")).isZero();
  }
}
