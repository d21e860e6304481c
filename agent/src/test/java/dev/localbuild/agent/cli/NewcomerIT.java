package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first hour, as the README leads it: a fresh {@code LOCALBUILD_HOME}, the README's
 * commands in order through {@code bin/localbuild}, and the usual first mistakes. Every step
 * succeeds, or fails with a message that names the next step. (Each sample also runs end to end in
 * {@link SamplesIT}.)
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class NewcomerIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {
    String both() {
      return "stderr:\n" + err + "\nstdout:\n" + out;
    }
  }

  Result localbuild(Path dir, Map<String, String> env, int minutes, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/localbuild").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("LOCALBUILD_HOME", tmp.resolve("home").toString());
    e.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    // the ahead-of-time cache is trained in the background, which ReleaseIT covers; here it
    // would only take a core from the other tests
    e.putIfAbsent("LOCALBUILD_NO_AOT", "1");
    pb.environment().putAll(e);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("localbuild " + String.join(" ", args) + " did not finish");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Result localbuild(Path dir, String... args) throws Exception {
    return localbuild(dir, Map.of(), 3, args);
  }

  @Test
  void theReadmesCommandsInOrderEachSucceedOrNameTheNextStep() throws Exception {
    // Set up: the sample build of the README's first command
    Result hello = localbuild(ROOT, "run", "-s", "samples/hello-world", "-i", "busybox:latest");
    assertThat(hello.exit()).as(hello.both()).isZero();
    assertThat(hello.out())
        .containsPattern("\\[Container\\] \\S+ \\S+ Phase complete: BUILD State: SUCCEEDED")
        .contains("Built hello 1.0.1");
    assertThat(hello.err())
        .containsPattern("localbuild: hello-world:\\S+ SUCCEEDED in \\S+ \\(build #1\\)");

    // Use: `bin/localbuild run` where there is no buildspec yet
    Path empty = Files.createDirectories(tmp.resolve("myapp"));
    Result none = localbuild(empty, "run");
    assertThat(none.exit()).as(none.both()).isEqualTo(ExitCodes.FAILED);
    assertThat(none.out())
        .contains("Phase context status code: YAML_FILE_ERROR Message: YAML file does not exist");
    assertThat(none.err())
        .contains(
            "  next: write a buildspec.yml in "
                + empty
                + " (samples/hello-world/buildspec.yml is the smallest), or name one with -b FILE"
                + " or the source directory with -s DIR");

    // ... then one that fails in a command
    Files.writeString(
        empty.resolve("buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo compiling\n      - exit 7\n");
    Result red = localbuild(empty, "run", "-i", "busybox:latest");
    assertThat(red.exit()).as(red.both()).isEqualTo(ExitCodes.FAILED);
    assertThat(red.err())
        .contains(
            "BUILD FAILED COMMAND_EXECUTION_ERROR: Error while executing command: exit 7. Reason: exit status 7",
            "  next: the failing command's output is in the log above (localbuild logs myapp:2"
                + " prints it again); after a fix, localbuild rerun myapp:2 runs the same build again");

    // --help, history, logs, rerun
    Result help = localbuild(ROOT, "run", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("-i, --image=IMAGE");
    Result history = localbuild(ROOT, "history");
    assertThat(history.exit()).as(history.both()).isZero();
    assertThat(history.out())
        .containsPattern("hello-world:1\\s+SUCCEEDED")
        .containsPattern("myapp:1\\s+FAILED")
        .containsPattern("myapp:2\\s+FAILED");
    Result logs = localbuild(ROOT, "logs", "myapp:2");
    assertThat(logs.exit()).as(logs.both()).isZero();
    assertThat(logs.out()).contains("compiling", "Phase complete: BUILD State: FAILED");
    Result rerun = localbuild(ROOT, "rerun", "hello-world:1");
    assertThat(rerun.exit()).as(rerun.both()).isZero();
    assertThat(rerun.err()).containsPattern("hello-world:\\S+ SUCCEEDED in \\S+ \\(build #2\\)");
    Result unknown = localbuild(ROOT, "logs", "hello-world:99");
    assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err())
        .isEqualTo("localbuild: no build hello-world:99 is kept (see: localbuild history)\n");

    // a curated image this machine lacks: how to build it, or the fallback
    Result curated =
        localbuild(ROOT, "run", "-s", "samples/hello-world", "-i", "aws/codebuild/standard:7.0");
    assertThat(curated.exit()).as(curated.both()).isEqualTo(ExitCodes.USAGE);
    assertThat(curated.err())
        .contains(
            "localbuild image build --from aws-codebuild-docker-images aws/codebuild/standard:7.0",
            "--image-fallback");

    // Docker not running: which socket, and what to do
    Result noDocker =
        localbuild(
            ROOT,
            Map.of("DOCKER_HOST", "unix://" + tmp.resolve("no-docker.sock")),
            3,
            "run",
            "-s",
            "samples/hello-world",
            "-i",
            "busybox:latest");
    assertThat(noDocker.exit()).as(noDocker.both()).isEqualTo(ExitCodes.FAULT);
    assertThat(noDocker.err())
        .contains(tmp.resolve("no-docker.sock").toString())
        .contains("--executor host runs builds without Docker");

    // the README's `bin/localbuild run` in the default image (built on first use: minutes)
    Result standard = localbuild(ROOT.resolve("samples/hello-world"), Map.of(), 15, "run");
    assertThat(standard.exit()).as(standard.both()).isZero();
    // its fourth build: the rerun and the one Docker was missing for have numbers too
    assertThat(standard.out()).contains("Built hello 1.0.4");
  }
}
