package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.agent.docker.DockerClients;
import dev.localbuild.agent.docker.RegistryFixture;
import dev.localbuild.localaws.LocalAwsProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web-app sample's whole path in one command, as its README gives it: build the image in a
 * privileged build, push it to the local ECR, deploy it to a local ECS service and print the URL
 * where it answers. Then the code changes and a second run rolls the service while a client polls
 * it every 20 ms: not one request may fail during the switch. And its external-cache variant, whose
 * second build on a fresh daemon takes its unchanged layers from the pushed image.
 */
class WebAppDeployIT {
  static final Path SAMPLE = Path.of("../samples/web-app").toAbsolutePath().normalize();
  static final Path CACHE_FROM_SAMPLE =
      Path.of("../samples/web-app-cache-from").toAbsolutePath().normalize();
  static final Pattern URL = Pattern.compile("the new version answers at (http://\\S+)");
  @TempDir Path tmp;
  Path home;
  DockerClient docker = DockerClients.create();
  RegistryFixture mirror;

  @AfterEach
  void stopLocalAws() throws Exception {
    if (home != null) {
      Path pulledFile = home.resolve("aws").resolve("pulled-images");
      List<String> pulled =
          java.nio.file.Files.exists(pulledFile)
              ? java.nio.file.Files.readAllLines(pulledFile)
              : List.of();
      LocalbuildProcess stop = LocalbuildProcess.start(tmp, home, "aws", "stop", "--purge");
      assertThat(stop.waitFor()).isZero();
      // the images the local ECS pulled came from the registry the purge deleted
      for (String image : pulled) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> docker.inspectImageCmd(image).exec())
            .as("%s after aws stop --purge", image)
            .isInstanceOf(com.github.dockerjava.api.exception.NotFoundException.class);
      }
      assertThat(
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  // only this test's local AWS: another one on the engine is none of its business
                  .withLabelFilter(
                      Map.of(
                          "dev.localbuild.role",
                          "ecs-task",
                          LocalAwsProcess.INSTANCE_LABEL,
                          LocalAwsProcess.instance(home.resolve("aws"))))
                  .exec())
          .as("this local AWS's task containers after aws stop")
          .isEmpty();
    }
    if (mirror != null) {
      mirror.close();
    }
    docker.close();
  }

  @Test
  void buildsPushesDeploysAndRollsWithoutAFailedRequest() throws Exception {
    Path app = checkout(SAMPLE, "app");

    LocalbuildProcess first = deploy(app);
    assertThat(first.waitFor(6))
        .as("first deploy; stderr:%n%s%nstdout:%n%s", first.err(), first.out())
        .isZero();
    assertThat(first.out())
        .contains("Created service web-app in cluster local from ")
        .contains("Waiting for service web-app to be stable")
        .contains("Deploy succeeded: service web-app is stable on ");
    String url = url(first.err());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThat(get(http, url).body()).contains("version 1");

    nextVersion(app);

    Poller poller = new Poller(http, url);
    Thread polling = Thread.ofPlatform().name("poller").start(poller);
    LocalbuildProcess second = deploy(app);
    int exit = second.waitFor(6);
    Thread.sleep(200); // a few requests after the deploy reported success
    poller.stop.set(true);
    polling.join();

    assertThat(exit)
        .as("second deploy; stderr:%n%s%nstdout:%n%s", second.err(), second.out())
        .isZero();
    assertThat(url(second.err())).isEqualTo(url);
    assertThat(second.out())
        .contains("Deploying imagedefinitions.json to service web-app in cluster local")
        .contains("Registered arn:aws:ecs:us-east-1:000000000000:task-definition/web-app:2")
        .contains("has reached a steady state");
    assertThat(poller.failures).as("failed requests during the rolling deploy").isEmpty();
    assertThat(poller.versions).contains("version 1", "version 2");
    assertThat(poller.versions.getLast()).isEqualTo("version 2");
    // the old version answered until the new one took over: no going back once switched
    int firstV2 = poller.versions.indexOf("version 2");
    assertThat(poller.versions.subList(firstV2, poller.versions.size()))
        .as("versions after the switch")
        .containsOnly("version 2");
    assertThat(poller.versions.size()).as("requests made").isGreaterThan(50);
    assertThat(get(http, url).body()).contains("version 2");
    // both versions' images were pulled onto the engine; the purge after the test removes them
    assertThat(java.nio.file.Files.readAllLines(home.resolve("aws").resolve("pulled-images")))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  /**
   * The external-cache variant: the second build runs on a fresh daemon, pulls the first build's
   * image from the local ECR and builds with --cache-from it, so the slow dependency layer is not
   * rebuilt.
   */
  @Test
  void theCacheFromVariantRebuildsOnlyWhatChanged() throws Exception {
    Path app = checkout(CACHE_FROM_SAMPLE, "cache-from");
    LocalbuildProcess first = build(app);
    assertThat(first.waitFor(6))
        .as("first build; stderr:%n%s%nstdout:%n%s", first.err(), first.out())
        .isZero();
    assertThat(step(first.out(), "RUN")).contains("---> Running in").doesNotContain("Using cache");

    nextVersion(app);
    LocalbuildProcess second = build(app);
    assertThat(second.waitFor(6))
        .as("second build; stderr:%n%s%nstdout:%n%s", second.err(), second.out())
        .isZero();
    // the dependency layer came from the pulled image; the page's layer was rebuilt
    assertThat(step(second.out(), "RUN")).contains("---> Using cache");
    assertThat(step(second.out(), "COPY")).doesNotContain("Using cache");
  }

  /** A step of the classic builder's output: from its {@code Step n/m : INSTRUCTION} line on. */
  static String step(String out, String instruction) {
    // only the buildspec's docker build: on a new machine, the log first shows localbuild/standard
    // being built during PROVISIONING, with steps of its own
    String build = out.substring(Math.max(0, out.indexOf("Entering phase BUILD")));
    Matcher m =
        Pattern.compile("Step \\d+/\\d+ : " + instruction + " .*?(?=Step \\d+/|$)", Pattern.DOTALL)
            .matcher(build);
    assertThat(m.find()).as("a %s step in:%n%s", instruction, out).isTrue();
    return m.group();
  }

  /**
   * A sample as a git repository with one commit, a Docker Hub mirror seeded with busybox for the
   * builds' daemons, and a fresh LOCALBUILD_HOME.
   */
  private Path checkout(Path sample, String dir) throws Exception {
    mirror = new RegistryFixture(docker);
    mirror.seed("busybox:latest", "busybox:latest");
    home = Files.createDirectories(tmp.resolve("home"));
    return SampleRepos.committed(sample, tmp.resolve(dir));
  }

  /** Changes the page's version and commits it. */
  private static void nextVersion(Path app) throws Exception {
    Files.writeString(
        app.resolve("index.html"),
        Files.readString(app.resolve("index.html")).replace("version 1", "version 2"));
    SampleRepos.git(app, "commit", "-q", "-am", "version 2");
  }

  private LocalbuildProcess build(Path app) throws IOException {
    return LocalbuildProcess.start(
        tmp, home, "run", "-s", app.toString(), "-d", "--registry-mirror", mirror.mirrorUrl());
  }

  private LocalbuildProcess deploy(Path app) throws IOException {
    return LocalbuildProcess.start(
        tmp,
        home,
        "run",
        "-s",
        app.toString(),
        "-d",
        "--registry-mirror",
        mirror.mirrorUrl(),
        "--deploy",
        "local/web-app",
        "--deploy-task-definition",
        app.resolve("ecs/taskdef.json").toString());
  }

  /** Polls the service until told to stop, noting the version of each answer and any failure. */
  static final class Poller implements Runnable {
    final HttpClient http;
    final String url;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<String> versions = Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    Poller(HttpClient http, String url) {
      this.http = http;
      this.url = url;
    }

    @Override
    public void run() {
      Pattern version = Pattern.compile("version \\d+");
      while (!stop.get()) {
        try {
          HttpResponse<String> r = get(http, url);
          Matcher m = version.matcher(r.body());
          if (r.statusCode() != 200 || !m.find()) {
            failures.add(r.statusCode() + " " + r.body());
          } else {
            versions.add(m.group());
          }
          Thread.sleep(20);
        } catch (IOException e) {
          failures.add(e.toString());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  static HttpResponse<String> get(HttpClient http, String url)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String url(String stderr) {
    Matcher m = URL.matcher(stderr);
    assertThat(m.find()).as("the service URL in:%n%s", stderr).isTrue();
    return m.group(1);
  }
}
