package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Custom, S3-style and source caches, through the command line, on both executors. */
class CachesIT {
  @TempDir Path tmp;

  /** A fetched source starts the local AWS (builds get what CodeBuild gives them): not left. */
  @AfterEach
  void stopLocalAws() throws Exception {
    Path home = tmp.resolve("home");
    if (Files.isDirectory(home.resolve("aws"))) {
      assertThat(LocalbuildProcess.start(tmp, home, "aws", "stop", "--purge").waitFor()).isZero();
    }
  }

  LocalbuildProcess run(Path src, String executor, String buildspec, String... args)
      throws IOException {
    Files.writeString(src.resolve("buildspec.yml"), buildspec);
    List<String> all =
        new ArrayList<>(List.of("run", "--executor", executor, "-i", "debian:bookworm"));
    all.addAll(List.of(args));
    return LocalbuildProcess.start(
        src, Files.createDirectories(tmp.resolve("home")), all.toArray(String[]::new));
  }

  Path src() throws IOException {
    return Files.createDirectories(tmp.resolve("src"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker", "host"})
  void customCacheDirectoriesOutliveTheBuild(String executor) throws Exception {
    String project = "custom-" + executor;
    String buildspec =
        """
        version: 0.2
        phases:
          build:
            commands:
              - ls deps/ | grep . || echo "deps empty"
              - mkdir -p deps && date +%s%N > deps/stamp-$CODEBUILD_BUILD_NUMBER
        cache:
          paths:
            - 'deps/**/*'
            - 'notes.txt'
        """;
    Path src = src();
    Files.writeString(src.resolve("notes.txt"), "a file, not a directory");
    LocalbuildProcess first =
        run(src, executor, buildspec, "--local-cache", "custom", "--project-name", project);
    assertThat(first.waitFor()).as(first.err() + first.out()).isZero();
    assertThat(first.out())
        .contains(
            "deps empty",
            "Unable to initialize cache download: only directories can be cached locally: notes.txt");
    LocalbuildProcess second =
        run(src, executor, buildspec, "--local-cache", "custom", "--project-name", project);
    assertThat(second.waitFor()).as(second.err() + second.out()).isZero();
    assertThat(second.out()).contains("stamp-1");
    if (executor.equals("docker")) {
      try (DockerClient docker = DockerClients.create()) {
        docker.removeVolumeCmd("localbuild-cc-" + project).exec();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker", "host"})
  void s3StyleCacheRestoresByKeyThenFallbackKey(String executor) throws Exception {
    String project = "s3-" + executor;
    String buildspec =
        """
        version: 0.2
        phases:
          build:
            commands:
              - cat vendor/lib.txt 2>/dev/null || echo "cold"
              - mkdir -p vendor && echo "vendored by build $CODEBUILD_BUILD_NUMBER" > vendor/lib.txt
        cache:
          key: deps-$DEPS_VERSION
          fallback-keys:
            - deps-
          paths:
            - 'vendor/**/*'
        """;
    Path src = src();
    LocalbuildProcess first =
        run(src, executor, buildspec, "--env", "DEPS_VERSION=1", "--project-name", project);
    assertThat(first.waitFor()).as(first.err() + first.out()).isZero();
    assertThat(first.out())
        .contains(
            "cold", "No cache found for key deps-1", "Saved cache of 1 file(s) with key deps-1");
    LocalbuildProcess exact =
        run(src, executor, buildspec, "--env", "DEPS_VERSION=1", "--project-name", project);
    assertThat(exact.waitFor()).isZero();
    assertThat(exact.out())
        .contains(
            "Restored cache for key deps-1",
            "vendored by build 1",
            "Cache key deps-1 already exists; a keyed cache is not overwritten");
    LocalbuildProcess fallback =
        run(src, executor, buildspec, "--env", "DEPS_VERSION=2", "--project-name", project);
    assertThat(fallback.waitFor()).isZero();
    assertThat(fallback.out())
        .contains(
            "Restored cache from fallback key deps-",
            "vendored by build 1",
            "Saved cache of 1 file(s) with key deps-2");
  }

  @Test
  void restoreOnlyAndSaveOnlyActions() throws Exception {
    Path src = src();
    String save =
        """
        version: 0.2
        phases:
          build:
            commands: [mkdir -p out, echo saved > out/x]
        cache:
          key: only
          action: save
          paths: ['out/**/*']
        """;
    LocalbuildProcess s = run(src, "host", save, "--project-name", "actions");
    assertThat(s.waitFor()).isZero();
    assertThat(s.out())
        .doesNotContain("Downloading S3 cache")
        .contains("Saved cache of 1 file(s) with key only");
    Files.deleteIfExists(src.resolve("out/x"));
    LocalbuildProcess r =
        run(
            src,
            "host",
            save.replace("action: save", "action: restore").replace("echo saved", "cat"),
            "--project-name",
            "actions");
    assertThat(r.waitFor()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("Restored cache for key only")
        .doesNotContain("Uploading S3 cache");
  }

  @Test
  void aGitSourceIsKeptAndFetchedIncrementally() throws Exception {
    Path origin = Files.createDirectories(tmp.resolve("origin"));
    git(origin, "init", "-q", "-b", "main");
    Files.writeString(
        origin.resolve("buildspec.yml"),
        "version: 0.2\nphases:\n  build:\n    commands:\n      - cat version.txt\n");
    Files.writeString(origin.resolve("version.txt"), "one\n");
    git(origin, "add", ".");
    git(origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one");
    Path project = tmp.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "src-cache",
         "source": {"type": "GITHUB", "location": "file://%s", "gitCloneDepth": 1},
         "sourceVersion": "main",
         "cache": {"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE"]},
         "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm", "computeType": "BUILD_GENERAL1_SMALL"}}
        """
            .formatted(origin));
    Path home = Files.createDirectories(tmp.resolve("home"));
    LocalbuildProcess first =
        LocalbuildProcess.start(
            tmp, home, "run", "--project", project.toString(), "--executor", "host");
    assertThat(first.waitFor()).as(first.err() + first.out()).isZero();
    assertThat(first.err()).contains("cloned into the source cache");
    assertThat(first.out()).contains("one");
    Files.writeString(origin.resolve("version.txt"), "two\n");
    git(origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "two");
    LocalbuildProcess second =
        LocalbuildProcess.start(
            tmp, home, "run", "--project", project.toString(), "--executor", "host");
    assertThat(second.waitFor()).as(second.err() + second.out()).isZero();
    assertThat(second.err()).contains("fetched incrementally into the source cache");
    assertThat(second.out()).contains("two");
  }

  static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    assertThat(new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor())
        .isZero();
  }
}
