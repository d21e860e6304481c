package dev.localbuild.agent.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code localbuild run}; AWS's local agent's flags keep their letters. */
public final class RunOptions {
  @Mixin AwsOptions aws = new AwsOptions();

  @Option(
      names = {"-i", "--image"},
      paramLabel = "IMAGE",
      description =
          "Build image (default: the project's, else "
              + dev.localbuild.agent.build.OrderResolver.DEFAULT_IMAGE
              + ", built on first use).")
  String image;

  @Option(
      names = "--image-fallback",
      description =
          "When the image is one of CodeBuild's curated images (aws/codebuild/...) and not on this"
              + " machine, run on "
              + dev.localbuild.agent.build.OrderResolver.DEFAULT_IMAGE
              + " instead, and say so.")
  boolean imageFallback;

  @Option(
      names = {"-a", "--artifacts"},
      paramLabel = "DIR",
      description =
          "Where artifacts go: artifacts.zip, and <identifier>.zip for secondary artifacts"
              + " (default: $LOCALBUILD_HOME/projects/<project>/artifacts/<build-number>).")
  Path artifacts;

  @Option(
      names = {"-r", "--reports"},
      paramLabel = "DIR",
      description =
          "Where test and coverage reports go, one JSON file per report group"
              + " (default: next to the artifacts).")
  Path reports;

  @Option(
      names = {"-s", "--source"},
      paramLabel = "[ID:]DIR",
      description =
          "Source directory (default: the current one). Repeat with ID:DIR for secondary sources"
              + " (CODEBUILD_SRC_DIR_<ID>).")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--include-untracked",
      description =
          "Copy a git work tree's untracked files too (never its ignored ones). Without it the build"
              + " gets what a clone of the commit would have: the tracked files, with their"
              + " uncommitted changes.")
  boolean includeUntracked;

  @Option(
      names = {"-b", "--buildspec"},
      paramLabel = "FILE",
      description = "Buildspec file (default: buildspec.yml in the source).")
  Path buildspec;

  @Option(
      names = {"-e", "--env-file"},
      paramLabel = "FILE",
      description =
          "Environment variables, one NAME=VALUE per line; they override the buildspec's and the project's.")
  Path envFile;

  @Option(
      names = "--env",
      paramLabel = "NAME=VALUE",
      description = "An environment variable; repeatable; wins over --env-file.")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-m", "--mount-source"},
      description =
          "Mount the source directory into the build instead of copying it (the build can change it).")
  boolean mountSource;

  @Option(
      names = {"-d", "--privileged"},
      description =
          "Privileged mode: the build gets its own Docker daemon (docker build, docker push).")
  boolean privileged;

  @Option(
      names = "-l",
      paramLabel = "IMAGE",
      hidden = true,
      description = "AWS's agent image: accepted for compatibility, localbuild needs none.")
  String agentImage;

  @Option(
      names = "--executor",
      paramLabel = "docker|host",
      description =
          "Where commands run: in a container (default) or on this machine, in a scratch copy of the source.")
  String executor = "docker";

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Build timeout: minutes (60), or with a unit: 90s, 45m, 2h (default: 60, as CodeBuild).")
  String timeout;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Write the final build record here (- for stdout, after the log), as a Build object of"
              + " `aws codebuild batch-get-builds`.")
  Path json;

  @Option(
      names = "--json-shape",
      paramLabel = "SHAPE",
      description =
          "build (default): the Build object; batch-get-builds: the whole response,"
              + " {\"builds\": [...], \"buildsNotFound\": []}.")
  String jsonShape = "build";

  @Option(
      names = "--project-name",
      paramLabel = "NAME",
      description =
          "Project name: build ids, numbers and report groups (default: the source directory's name).")
  String projectName;

  @Option(
      names = "--source-version",
      paramLabel = "VERSION",
      description =
          "CODEBUILD_SOURCE_VERSION, e.g. a branch or pr/42 (default: the checked-out commit).")
  String sourceVersion;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "AWS_REGION of the build (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1).")
  String region;

  @Option(
      names = "--network",
      paramLabel = "NAME",
      description =
          "Docker network the build joins, to reach services you run there (default: bridge).")
  String network;

  @Option(
      names = "--keep",
      description = "Keep the host executor's scratch directory after the build.")
  boolean keep;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description =
          "A CodeBuild project as JSON (create-project input, or batch-get-projects output): its"
              + " source, environment, variables, cache, artifacts (S3) and timeout. Command-line"
              + " flags win over it.")
  Path project;

  @Option(
      names = "--local-cache",
      paramLabel = "MODE",
      description =
          "A local cache mode, as the project's LOCAL cache: docker (LOCAL_DOCKER_LAYER_CACHE),"
              + " source (LOCAL_SOURCE_CACHE) or custom (LOCAL_CUSTOM_CACHE); repeatable.")
  List<String> localCache = new ArrayList<>();

  @Option(
      names = "--no-cache",
      description =
          "No cache (NO_CACHE). Without a project, the buildspec's cache is kept on this machine"
              + " with the S3 cache's rules (key, fallback-keys, action).")
  boolean noCache;

  @Option(
      names = "--cache-from",
      paramLabel = "IMAGE",
      description =
          "An image pulled into the build's Docker daemon before INSTALL, for docker build"
              + " --cache-from; repeatable (privileged builds).")
  List<String> cacheFrom = new ArrayList<>();

  @Option(
      names = "--registry-mirror",
      paramLabel = "URL",
      description = "A registry mirror (pull-through cache) for the build's Docker daemon.")
  String registryMirror;

  @Option(
      names = "--ecr-repository",
      paramLabel = "NAME",
      description =
          "An ECR repository the build pushes to, created before the build if it is missing;"
              + " repeatable.")
  List<String> ecrRepositories = new ArrayList<>();

  @Option(
      names = "--local-aws",
      description =
          "Start the local AWS for this build even if it does not seem to need it (it starts by itself"
              + " for builds that use parameter-store, secrets-manager, the aws CLI, S3 in the project,"
              + " or --deploy).")
  boolean localAws;

  @Option(
      names = "--deploy",
      paramLabel = "CLUSTER/SERVICE",
      description =
          "After a successful build, deploy its imagedefinitions.json to this ECS service as CodePipeline's"
              + " ECS action does, and wait until it is stable.")
  String deploy;

  @Option(
      names = "--deploy-file",
      paramLabel = "NAME",
      description = "The image definitions file in the artifacts (default: ${DEFAULT-VALUE}).")
  String deployFile = "imagedefinitions.json";

  @Option(
      names = "--deploy-timeout",
      paramLabel = "DURATION",
      description =
          "How long to wait for the service to be stable (default: 60, minutes, as CodePipeline).")
  String deployTimeout;

  @Option(
      names = "--deploy-rollback",
      description = "When the deploy fails, put the service back on its previous task definition.")
  boolean deployRollback;

  @Option(
      names = "--batch",
      description =
          "Run the buildspec's batch section (build-list, build-graph, build-matrix, build-fanout)"
              + " as StartBuildBatch does: its builds in parallel, each log line with its build's"
              + " identifier in front, then a table of the builds.")
  boolean batch;

  @Option(
      names = "--combine-artifacts",
      description =
          "With --batch: the builds' artifacts also in one zip, each build's under its"
              + " identifier (as the project's buildBatchConfig.combineArtifacts does).")
  boolean combineArtifacts;

  @Option(
      names = "--batch-concurrency",
      paramLabel = "N",
      description = "How many of a batch's builds run at once (default: 2).")
  int batchConcurrency = 2;

  @Option(
      names = "--serial",
      description = "A batch's builds one after another, each log whole (--batch-concurrency 1).")
  boolean serial;

  @Option(
      names = "--debug",
      description =
          "Pause at each codebuild-breakpoint command with a shell in the build (exit or"
              + " codebuild-resume goes on), as CodeBuild's Session Manager sessions do.")
  boolean debug;

  @Option(
      names = "--debug-on-failure",
      description =
          "Pause at a failing command with a shell in the build, its variables and directory; the"
              + " build then ends as it would have.")
  boolean debugOnFailure;

  @Option(
      names = "--untrusted",
      description =
          "A stranger's build (a pull request from a fork): no AWS credentials or secrets, no"
              + " privileged mode, caches restored but never saved. Docker executor only.")
  boolean untrusted;

  @Option(
      names = "--deploy-task-definition",
      paramLabel = "FILE",
      description =
          "Local AWS only: when the service does not exist yet, create it (and its cluster) from this task"
              + " definition JSON, with the images of imagedefinitions.json.")
  Path deployTaskDefinition;
}
