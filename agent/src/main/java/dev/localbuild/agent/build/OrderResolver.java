package dev.localbuild.agent.build;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.agent.project.ProjectFile;
import dev.localbuild.agent.source.GitInfo;
import dev.localbuild.agent.source.GitSourceFetcher;
import dev.localbuild.agent.source.GitSources;
import dev.localbuild.agent.source.GitWorkTree;
import dev.localbuild.runtime.BuildRequest;
import dev.localbuild.runtime.BuildspecSource;
import dev.localbuild.runtime.SourceInfo;
import dev.localbuild.runtime.model.BuildSettings;
import dev.localbuild.runtime.sandbox.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns an order into what the engine runs, with CodeBuild's precedence: the order's overrides,
 * then the project's settings, then CodeBuild's defaults. Nothing is fetched here: the project's
 * git sources are planned, and fetched in DOWNLOAD_SOURCE.
 */
public final class OrderResolver {
  /** The image of builds that name none. */
  public static final String DEFAULT_IMAGE = "localbuild/standard:latest";

  private final Path state;
  private final Consumer<String> notices;
  private final boolean mountSource;

  /**
   * @param state the state directory (source cache, scratch directories)
   * @param notices the agent's own progress while fetching, outside the build's log
   */
  public OrderResolver(Path state, Consumer<String> notices) {
    this(state, notices, false);
  }

  /**
   * @param mountSource sources are mounted into builds, not copied (nothing of them is left out)
   */
  public OrderResolver(Path state, Consumer<String> notices, boolean mountSource) {
    this.state = state;
    this.notices = notices;
    this.mountSource = mountSource;
  }

  public ResolvedOrder resolve(BuildOrder o) throws OrderException {
    ProjectConfig project = o.project();
    List<String> notes = new ArrayList<>();
    checkVersions(o);
    ProjectConfig.Cache cache =
        o.cacheOverride() != null
            ? o.cacheOverride()
            : project != null
                ? project.cache()
                : new ProjectConfig.Cache("S3", null, List.of(), null);
    String projectName =
        o.projectName() != null
            ? checkProjectName(o.projectName())
            : project != null ? project.name() : null;

    // the sources: directories given, else the project's, planned for DOWNLOAD_SOURCE
    Path primary = o.sourceDirectory();
    Map<String, Path> secondary = new LinkedHashMap<>(o.secondarySourceDirectories());
    List<GitSourceFetcher.Planned> planned = new ArrayList<>();
    String sourceVersion =
        o.sourceVersion() != null
            ? o.sourceVersion()
            : project != null ? project.sourceVersion() : null;
    boolean useCache = cache.has("LOCAL_SOURCE_CACHE");
    if (project != null && primary == null && project.source() != null) {
      primary =
          plan(
              project.source(),
              "",
              sourceVersion,
              useCache ? project.name() + "/primary" : null,
              planned);
    }
    if (project != null) {
      for (ProjectConfig.Source s : project.secondarySources()) {
        String id = s.sourceIdentifier();
        if (id != null && !secondary.containsKey(id)) {
          String version = project.secondarySourceVersions().get(id);
          secondary.put(
              id, plan(s, id, version, useCache ? project.name() + "/" + id : null, planned));
        }
      }
    }
    if (primary == null) {
      throw new OrderException(
          "sourceDirectory", "no source: the build has no project source and no directory");
    }
    if (projectName == null) {
      projectName = projectName(primary);
    }
    boolean primaryFetched = planned.stream().anyMatch(p -> p.identifier().isEmpty());
    BuildspecSource buildspec = buildspec(o.buildspecOverride(), project, primary);
    if (!primaryFetched || buildspec.pathInSource() == null) {
      // read once, here: the batch note, the AWS guess and the build all see this text
      buildspec = buildspec.read();
      if (o.host().batchIdentifier() == null) {
        batchNote(buildspec).ifPresent(notes::add); // a batch's own build knows
      }
    }

    // a git work tree is copied as a clone of its commit would have it (with its uncommitted
    // changes): what git tracks, not what it ignores or does not know
    SourceFiles sourceFiles = SourceFiles.ALL;
    Boolean dirty = null;
    if (!primaryFetched) {
      Optional<GitWorkTree> tree = workTree(primary, o.host().includeUntracked(), buildspec, notes);
      if (tree.isPresent()) {
        sourceFiles = tree.get().files();
        dirty = tree.get().dirty();
      }
    }
    SourceInfo primaryInfo =
        primaryFetched
            ? planned.stream()
                .filter(p -> p.identifier().isEmpty())
                .findFirst()
                .orElseThrow()
                .info()
            : localInfo(project, primary, sourceVersion, dirty);
    List<SourceInfo> secondaryInfo = new ArrayList<>();
    for (var e : secondary.entrySet()) {
      Optional<GitSourceFetcher.Planned> p =
          planned.stream().filter(x -> x.identifier().equals(e.getKey())).findFirst();
      if (p.isPresent()) {
        secondaryInfo.add(p.get().info());
      } else {
        Optional<GitInfo> g = GitInfo.read(e.getValue());
        String version = project == null ? null : project.secondarySourceVersions().get(e.getKey());
        secondaryInfo.add(
            new SourceInfo(
                e.getKey(),
                g.isPresent() ? "LOCAL_GIT" : "LOCAL",
                e.getValue().toString(),
                version,
                g.map(GitInfo::commit).orElse(null),
                g.map(GitInfo::originUrl).orElse(null)));
      }
    }

    // variables: the project's by type, then the order's, which win
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> parameters = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    if (project != null) {
      sort(project.environment().environmentVariables(), plain, parameters, secrets);
    }
    sort(o.environmentVariablesOverride(), overrides, parameters, secrets);

    Duration timeout =
        o.timeoutOverride() != null
            ? o.timeoutOverride()
            : project != null && project.timeoutInMinutes() != null
                ? Duration.ofMinutes(project.timeoutInMinutes())
                : BuildRequest.DEFAULT_TIMEOUT;
    boolean askedPrivileged =
        o.privilegedModeOverride() != null
            ? o.privilegedModeOverride()
            : project != null && project.environment().privilegedMode();
    boolean untrusted = o.host().untrusted();
    if (untrusted) {
      notes.add(
          "untrusted build: no AWS credentials or secrets, no privileged mode"
              + (askedPrivileged ? " (asked for, refused)" : "")
              + ", caches restored but not saved");
    }
    String computeType =
        project != null ? project.environment().computeType() : "BUILD_GENERAL1_SMALL";
    String batchComputeType = o.host().batchComputeType();
    if (batchComputeType != null) {
      if (dev.localbuild.agent.project.ComputeType.of(batchComputeType).isEmpty()) {
        throw new OrderException(
            "batch",
            "build "
                + o.host().batchIdentifier()
                + ": compute-type "
                + batchComputeType
                + " is not one of CodeBuild's ("
                + dev.localbuild.agent.project.ComputeType.names()
                + ")");
      }
      computeType = batchComputeType;
    }
    BuildRequest request =
        new BuildRequest(
            projectName,
            buildspec,
            primaryInfo,
            secondaryInfo,
            plain,
            parameters,
            secrets,
            overrides,
            timeout,
            !untrusted && askedPrivileged,
            computeType,
            o.host().batchIdentifier(),
            new BuildSettings(
                project != null
                    ? AwsAccess.roleArn(project.serviceRole(), AwsAccess.DEFAULT_ACCOUNT)
                    : null,
                encryptionKey(project, o.region()),
                new BuildSettings.Cache(cache.type(), cache.location(), cache.modes())));
    String image =
        o.imageOverride() != null
            ? o.imageOverride()
            : project != null && project.environment().image() != null
                ? project.environment().image()
                : DEFAULT_IMAGE;
    ProjectConfig.Extensions ext =
        project != null ? project.localbuild() : ProjectConfig.Extensions.NONE;
    List<String> cacheFrom = new ArrayList<>(ext.cacheFrom());
    cacheFrom.addAll(o.host().cacheFrom());
    ext =
        new ProjectConfig.Extensions(
            cacheFrom,
            o.host().registryMirror() != null ? o.host().registryMirror() : ext.registryMirror(),
            ext.registryCredentials(),
            ext.dockerLayerCacheLimitBytes());
    GitSourceFetcher fetcher =
        planned.isEmpty()
            ? null
            : new GitSourceFetcher(
                new GitSources(state.resolve("cache").resolve("source")),
                planned,
                primaryInfo,
                secondaryInfo,
                buildspec,
                notices);
    return new ResolvedOrder(
        request,
        primary,
        sourceFiles,
        secondary,
        fetcher,
        o.region(),
        o.initiator(),
        image,
        cache,
        ext,
        notes,
        project,
        o.artifactsDirectory(),
        o.reportsDirectory(),
        untrusted,
        o.host().imageFallback(),
        o.host().debug());
  }

  private static void checkVersions(BuildOrder o) throws OrderException {
    try {
      GitSources.checkVersion(o.sourceVersion());
    } catch (GitSources.GitException e) {
      throw new OrderException("sourceVersion", e.getMessage());
    }
    if (o.project() != null) {
      try {
        GitSources.checkVersion(o.project().sourceVersion());
        for (String v : o.project().secondarySourceVersions().values()) {
          GitSources.checkVersion(v);
        }
      } catch (GitSources.GitException e) {
        throw new OrderException("project", e.getMessage());
      }
    }
  }

  /** The primary source as the record names it, when it is a directory on this machine. */
  /**
   * The files of a git work tree that a build gets, with what the user should know of those left
   * out; empty when the directory is not a work tree (or git cannot list it: then all of it, said).
   */
  private Optional<GitWorkTree> workTree(
      Path dir, boolean includeUntracked, BuildspecSource buildspec, List<String> notes) {
    String buildspecInSource = buildspec.pathInSource();
    try {
      Optional<GitWorkTree> tree = GitWorkTree.read(dir, includeUntracked, buildspecInSource);
      tree.ifPresent(t -> {
        if (mountSource) {
          return; // mounted as it is: nothing is left out
        }
        if (t.untrackedLeftOut() > 0) {
          notes.add(
              "left out "
                  + t.untrackedLeftOut()
                  + " untracked file(s) of "
                  + dir
                  + ", as a clone of the commit would not have them (--include-untracked copies"
                  + " them)");
        }
        if (t.buildspecUntracked()) {
          notes.add(
              buildspecInSource
                  + " is not tracked by git: copied for this run, but CodeBuild would not find it"
                  + " in a clone (git add it)");
        }
      });
      return tree;
    } catch (GitWorkTree.Unlisted e) {
      notes.add(
          "copying all of "
              + dir
              + ", untracked and ignored files included: cannot ask git which files it tracks ("
              + e.getMessage()
              + ")");
      return Optional.empty();
    }
  }

  /** The project's key, else CodeBuild's default. */
  static String encryptionKey(@Nullable ProjectConfig project, String region) {
    return project != null && project.encryptionKey() != null
        ? project.encryptionKey()
        : defaultEncryptionKey(region, AwsAccess.DEFAULT_ACCOUNT);
  }

  /** CodeBuild's key when a project names none: the AWS managed key for S3. */
  public static String defaultEncryptionKey(String region, String account) {
    return "arn:aws:kms:" + region + ":" + account + ":alias/aws/s3";
  }

  private static SourceInfo localInfo(
      @Nullable ProjectConfig project,
      Path primary,
      @Nullable String sourceVersion,
      @Nullable Boolean dirty) {
    Optional<GitInfo> git = GitInfo.read(primary);
    boolean projectSource = project != null && project.source() != null;
    String type = projectSource ? project.source().type() : git.isPresent() ? "LOCAL_GIT" : "LOCAL";
    String repoUrl =
        projectSource && project.source().isGit()
            ? project.source().location()
            : git.map(GitInfo::originUrl).orElse(null);
    return new SourceInfo(
        null,
        type,
        projectSource && project.source().location() != null
            ? project.source().location()
            : primary.toString(),
        sourceVersion,
        git.map(GitInfo::commit).orElse(null),
        repoUrl,
        dirty);
  }

  /**
   * A project source to fetch in DOWNLOAD_SOURCE, and the empty directory it is provisioned with
   * until then (a NO_SOURCE source stays that empty directory).
   */
  private Path plan(
      ProjectConfig.Source s,
      String id,
      @Nullable String version,
      @Nullable String cacheKey,
      List<GitSourceFetcher.Planned> planned)
      throws OrderException {
    Path scratch = state.resolve("work").resolve("sources").resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new OrderException("project", "cannot create " + scratch + ": " + e.getMessage());
    }
    if ("NO_SOURCE".equals(s.type())) {
      return scratch;
    }
    if (!s.isGit()) {
      throw new OrderException(
          "project",
          "source type " + s.type() + " cannot be fetched here; give the source as a directory");
    }
    if (s.location() == null) {
      throw new OrderException(
          "project", "source.location: a " + s.type() + " source needs a location");
    }
    String fetchVersion = version;
    if (version != null && version.matches("pr/\\d+") && s.type().startsWith("GITHUB")) {
      fetchVersion = "refs/pull/" + version.substring(3) + "/head"; // CodeBuild's pr/N for GitHub
    }
    SourceInfo info =
        new SourceInfo(
            id.isEmpty() ? null : id, s.type(), s.location(), version, null, s.location());
    planned.add(
        new GitSourceFetcher.Planned(
            id, info, s.location(), fetchVersion, s.gitCloneDepth(), cacheKey, scratch));
    return scratch;
  }

  private static void sort(
      List<ProjectConfig.Variable> variables,
      Map<String, String> plain,
      Map<String, String> parameters,
      Map<String, String> secrets) {
    for (ProjectConfig.Variable v : variables) {
      switch (v.type()) {
        case "PARAMETER_STORE" -> parameters.put(v.name(), v.value());
        case "SECRETS_MANAGER" -> secrets.put(v.name(), v.value());
        default -> plain.put(v.name(), v.value());
      }
    }
  }

  /**
   * A buildspec with a {@code batch} section runs here as StartBuild runs it in CodeBuild: as one
   * build, the section ignored. Said, so nobody waits for the batch's builds.
   */
  static Optional<String> batchNote(BuildspecSource buildspec) {
    try {
      var batch = buildspec.parse().batch();
      return batch == null
          ? Optional.empty()
          : Optional.of(
              "the buildspec has a batch section: `localbuild run` runs it as one build, as"
                  + " StartBuild does; `localbuild run --batch` runs its builds, as StartBuildBatch");
    } catch (RuntimeException invalid) {
      return Optional.empty(); // DOWNLOAD_SOURCE reports it, as part of the build
    }
  }

  /**
   * The buildspec: the override (a file, absolute or in the source, or the buildspec itself), else
   * the project's (likewise), else buildspec.yml in the source. Its absence is CodeBuild's
   * YAML_FILE_ERROR, in the build.
   */
  public static BuildspecSource buildspec(
      @Nullable String override, @Nullable ProjectConfig project, Path source) {
    String b =
        override != null
            ? override
            : project != null && project.source() != null ? project.source().buildspec() : null;
    if (b == null) {
      return file(source.resolve("buildspec.yml"), source);
    }
    if (b.contains("\n") || b.trim().startsWith("version")) {
      return BuildspecSource.inline(b);
    }
    return file(source.resolve(b), source);
  }

  /** A buildspec file; in the source when it is under it. */
  static BuildspecSource file(Path file, Path source) {
    Path f = file.toAbsolutePath().normalize();
    String inSource =
        f.startsWith(source) ? source.relativize(f).toString().replace('\\', '/') : null;
    return BuildspecSource.file(f, inSource);
  }

  /** A CodeBuild project name from a directory name: letters, digits, - and _, 2 to 255 long. */
  public static String projectName(Path source) {
    String base = source.getFileName() == null ? "build" : source.getFileName().toString();
    String name = base.replaceAll("[^A-Za-z0-9_-]", "-").replaceAll("^[-_]+", "");
    if (name.length() < 2) {
      name = "build-" + name;
    }
    return name.length() > 255 ? name.substring(0, 255) : name;
  }

  static String checkProjectName(String name) throws OrderException {
    if (!ProjectFile.validName(name)) {
      throw new OrderException(
          "projectName",
          name
              + ": a project name is 2 to 255 letters, digits, - and _,"
              + " starting with a letter or digit");
    }
    return name;
  }
}
