package dev.localbuild.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.aws.SignedJsonClient;
import dev.localbuild.agent.record.KeptBuilds;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.agent.record.StateDir;
import dev.localbuild.agent.reproduce.CloudBuild;
import dev.localbuild.agent.reproduce.CloudBuildReader;
import dev.localbuild.agent.reproduce.ReproduceReport;
import dev.localbuild.agent.reproduce.Reproduction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** {@code localbuild reproduce}: a CodeBuild build run again here, then compared with it. */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    header = "Run a CodeBuild build again here, as it ran there, and compare the two.",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Reads a build and its project from CodeBuild (your account, or any CodeBuild endpoint such as",
      "a `localbuild serve` with --endpoint-url) and runs the same build here with `localbuild run`:",
      "the project's settings with the build's overrides (source and buildspec, secondary sources and",
      "their versions, environment variables with their types, image, privileged mode, timeout,",
      "cache), the source at the commit it built. A curated image (aws/codebuild/...) this machine",
      "does not have runs on localbuild/standard, said so. Then the two builds side by side: each",
      "phase's outcome, the first phase that differs, the variables and the image that differ, and",
      "the first log line that differs (the cloud's log read through CloudWatch Logs).",
      "",
      "Examples:",
      "  localbuild reproduce web:0f4c2f57-...                     # from your account (credentials",
      "                                                            # and region as the AWS CLI finds them)",
      "  localbuild reproduce arn:aws:codebuild:eu-west-1:123456789012:build/web:0f4c... -p ci",
      "  localbuild reproduce web:0f4c... -s ~/src/web             # your checkout, at the build's commit",
      "  localbuild reproduce web:0f4c... --env LOG_LEVEL=debug    # the same build with one change",
      "  localbuild reproduce web:0f4c... --endpoint-url http://127.0.0.1:4591   # from a serve",
      "",
    },
    footer = {
      "",
      "Exit status: the local build's, as with `localbuild run` (0 SUCCEEDED, 1 FAILED, 3 FAULT, ...);",
      "2 when the build cannot be read (no such build, no credentials, its project deleted).",
    })
final class ReproduceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BUILD", description = "The build: its id (PROJECT:UUID) or ARN.")
  String build;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description =
          "Where CodeBuild (and CloudWatch Logs) answer, e.g. a localbuild serve (default: AWS's,"
              + " in the region).")
  URI endpoint;

  @Option(
      names = {"-p", "--profile"},
      paramLabel = "PROFILE",
      description = "The AWS profile to read the build with (default: the default chain's keys).")
  String profile;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "The build's region (default: its ARN's, else $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1).")
  String region;

  @Option(
      names = "-c",
      description =
          "The build's own AWS calls go to your account, as in the cloud (default: the local AWS).")
  boolean awsConfig;

  @Option(
      names = {"-s", "--source"},
      paramLabel = "DIR",
      description =
          "A git checkout that stands in for the project's source; a copy of it is checked out at"
              + " the build's commit (your working tree is not touched).")
  Path source;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description = "Changes a variable for this run; repeatable. The report names it.")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-i", "--image"},
      paramLabel = "IMAGE",
      description = "Runs on another image than the build's.")
  String image;

  @Option(
      names = "--debug-on-failure",
      description =
          "Pause at the failing command with a shell in the build (as `run --debug-on-failure`).")
  boolean debugOnFailure;

  @Option(
      names = "--debug",
      description = "Pause at codebuild-breakpoint commands (as `run --debug`).")
  boolean debug;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Writes the local build's record to FILE (`-`: stdout), as `run --json`.")
  Path json;

  @Override
  public Integer call() throws Exception {
    String region = regionOf();
    AwsCredentialsProvider credentials =
        profile != null
            ? ProfileCredentialsProvider.create(profile)
            : DefaultCredentialsProvider.builder().build();
    URI codebuildUri =
        endpoint != null ? endpoint : URI.create("https://codebuild." + region + ".amazonaws.com");
    URI logsUri =
        endpoint != null ? endpoint : URI.create("https://logs." + region + ".amazonaws.com");
    CloudBuild cloud;
    try {
      cloud =
          new CloudBuildReader(
                  new SignedJsonClient(codebuildUri, region, "codebuild", credentials),
                  new SignedJsonClient(logsUri, region, "logs", credentials))
              .read(build);
    } catch (SdkClientException e) {
      return usage(
          "no AWS credentials to read the build with (set AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, or use -p PROFILE)");
    } catch (SignedJsonClient.CallException e) {
      return usage("cannot read build " + build + " from " + codebuildUri + ": " + e.getMessage());
    } catch (CloudBuildReader.NotFound e) {
      return usage(e.getMessage());
    } catch (IOException e) {
      return usage("cannot reach " + codebuildUri + ": " + e.getMessage());
    }
    System.err.println(
        "localbuild: reproducing "
            + cloud.id()
            + " ("
            + cloud.build().path("buildStatus").asText()
            + " in the cloud, at "
            + (cloud.sourceVersion().isEmpty() ? "no source version" : cloud.sourceVersion())
            + ")");

    Path state = StateDir.resolve();
    Path work = Files.createDirectories(state.resolve("reproduce"));
    // kept with the state, so `localbuild rerun` of the reproduction finds its project again
    Path projectFile =
        work.resolve(cloud.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".project.json");
    RecordJson.MAPPER.writeValue(projectFile.toFile(), Reproduction.project(cloud));
    Path record =
        json != null && !json.toString().equals("-")
            ? json
            : Files.createTempFile(work, "record", ".json");
    List<String> args = new ArrayList<>(List.of("run", "--project", projectFile.toString()));
    args.addAll(Reproduction.runFlags(cloud));
    Path checkout = null;
    if (source != null) {
      try {
        checkout = checkout(source, cloud.sourceVersion(), work);
      } catch (IOException e) {
        return usage(e.getMessage());
      }
      args.addAll(List.of("-s", checkout.toString()));
    }
    if (awsConfig) {
      args.add("-c");
      if (profile != null) {
        args.addAll(List.of("-p", profile));
      }
    }
    for (String e : env) {
      args.addAll(List.of("--env", e));
    }
    if (image != null) {
      args.addAll(List.of("-i", image));
    }
    if (debugOnFailure) {
      args.add("--debug-on-failure");
    }
    if (debug) {
      args.add("--debug");
    }
    args.addAll(List.of("--json", record.toString()));
    int exit;
    try {
      exit = Main.commandLine(args.toArray(String[]::new)).execute(args.toArray(String[]::new));
    } finally {
      if (checkout != null) {
        dev.localbuild.runtime.sandbox.LocalSandbox.deleteTree(checkout);
      }
    }
    if (!Files.exists(record) || Files.size(record) == 0) {
      return exit; // it did not start: run said why
    }
    JsonNode here = RecordJson.MAPPER.readTree(record.toFile());
    List<String> hereLog = localLog(state, here);
    ReproduceReport.of(cloud.build(), cloud.log(), here, hereLog)
        .print(System.err, cloud.id(), here.path("id").asText());
    if (json != null && json.toString().equals("-")) {
      System.out.println(RecordJson.MAPPER.writeValueAsString(here));
    }
    if (json == null) {
      Files.deleteIfExists(record);
    }
    return exit;
  }

  private String regionOf() {
    if (region != null) {
      return region;
    }
    if (build.startsWith("arn:") && build.split(":").length > 3 && !build.split(":")[3].isEmpty()) {
      return build.split(":")[3];
    }
    for (String v : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String r = System.getenv(v);
      if (r != null && !r.isBlank()) {
        return r.trim();
      }
    }
    return "us-east-1";
  }

  /** The local build's log as it was kept. */
  private static List<String> localLog(Path state, JsonNode here) throws IOException {
    Path log =
        new KeptBuilds(state)
            .logFile(here.path("projectName").asText(), here.path("buildNumber").asLong());
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** A copy of the checkout at the commit: the user's working tree stays as it is. */
  static Path checkout(Path dir, String commit, Path work)
      throws IOException, InterruptedException {
    if (!Files.isDirectory(dir.resolve(".git")) && !Files.isRegularFile(dir.resolve(".git"))) {
      throw new IOException(
          "-s " + dir + ": not a git checkout, so it cannot be put at the build's commit");
    }
    if (commit.isEmpty()) {
      throw new IOException("-s " + dir + ": the build has no source version to check out");
    }
    Path copy = Files.createTempDirectory(work, "source");
    git(
        work,
        "clone",
        "-q",
        "--shared",
        "--no-checkout",
        dir.toAbsolutePath().toString(),
        copy.toString());
    try {
      git(copy, "checkout", "-q", "--detach", commit);
    } catch (IOException e) {
      throw new IOException(
          "-s "
              + dir
              + ": it has no commit "
              + commit
              + " (fetch it first: git -C "
              + dir
              + " fetch origin "
              + commit
              + ")");
    }
    return copy;
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    dev.localbuild.agent.source.Git.Result r =
        dev.localbuild.agent.source.Git.run(dir, java.time.Duration.ofMinutes(5), args);
    if (!r.ok()) {
      throw new IOException("git " + String.join(" ", args) + ": " + r.why());
    }
  }

  private static int usage(String message) {
    System.err.println("localbuild: " + message);
    return ExitCodes.USAGE;
  }
}
