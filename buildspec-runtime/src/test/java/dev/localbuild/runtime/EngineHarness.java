package dev.localbuild.runtime;

import dev.localbuild.buildspec.SecretRef;
import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.log.ContainerLogFormat;
import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseType;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.report.Report;
import dev.localbuild.runtime.sandbox.LocalSandbox;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.OutputLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs real builds on a local shell in a temporary directory, collecting everything they produce.
 */
final class EngineHarness implements Provisioner {
  final Path root;
  final Path src;
  final List<LogLine> log = new CopyOnWriteArrayList<>();
  final List<BuildRecord> records = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> artifacts = new LinkedHashMap<>();
  final Map<String, String> artifactNames = new HashMap<>();
  final List<Report> reports = new ArrayList<>();
  final Map<String, String> parameters = new HashMap<>();
  final Map<String, String> secretValues = new HashMap<>();

  /** What the build's credentials endpoint would serve (masked in the log). */
  final List<String> credentialValues = new ArrayList<>();

  final List<Sandbox> sandboxes = new ArrayList<>();
  Duration timeout = Duration.ofMinutes(1);
  Map<String, String> overrides = Map.of();
  Map<String, String> projectVariables = Map.of();
  BuildCache cache = BuildCache.NONE;
  BuildHooks hooks = BuildHooks.NONE;

  /** When set, the sources are fetched in DOWNLOAD_SOURCE instead of being in {@link #src}. */
  SourceFetcher sources;

  /** When set, hears the build's records and log lines too. */
  dev.localbuild.runtime.event.BuildEvents events;

  /** When set, every artifact upload fails with this message (a missing bucket, no access). */
  String uploadFailure;

  final AtomicLong numbers = new AtomicLong(1);
  volatile BuildEngine engine;

  EngineHarness(Path root) throws IOException {
    this.root = root;
    this.src = Files.createDirectories(root.resolve("src"));
  }

  EngineHarness file(String path, String content) throws IOException {
    Path p = src.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return this;
  }

  BuildRecord run(String buildspec) throws IOException {
    file("buildspec.yml", buildspec);
    return run();
  }

  /** Runs the build whose buildspec is in the source (or in the fetched one). */
  BuildRecord run() {
    BuildRequest request =
        new BuildRequest(
            "demo",
            BuildspecSource.file(src.resolve("buildspec.yml"), "buildspec.yml"),
            new SourceInfo(
                null,
                "LOCAL",
                src.toString(),
                null,
                "0123456789abcdef0123456789abcdef01234567",
                null),
            List.of(),
            projectVariables,
            Map.of(),
            Map.of(),
            overrides,
            timeout,
            false,
            "BUILD_GENERAL1_SMALL",
            null);
    BuildServices services =
        new BuildServices(
            this,
            this::store,
            reports::add,
            new SecretResolver() {
              @Override
              public Map<String, String> resolve(
                  Map<String, String> params, Map<String, SecretRef> secrets)
                  throws SecretResolutionException {
                return EngineHarness.this.resolve(params, secrets);
              }

              @Override
              public List<String> credentialValues() {
                return credentialValues;
              }
            },
            cache,
            hooks,
            (LogSink)
                line -> {
                  log.add(line);
                  if (events != null) {
                    events.accept(line);
                  }
                },
            r -> {
              records.add(r);
              if (events != null) {
                events.accept(r);
              }
            },
            Clock.systemUTC(),
            sources);
    engine = new BuildEngine(services);
    try {
      BuildIdentity id =
          new BuildIdentity(
              "demo",
              UUID.randomUUID(),
              numbers.getAndIncrement(),
              "eu-west-1",
              "123456789012",
              Instant.now(),
              "tester");
      return engine.run(request, id, numbers::getAndIncrement);
    } finally {
      engine.close();
    }
  }

  private Map<String, String> resolve(Map<String, String> params, Map<String, SecretRef> secrets)
      throws SecretResolver.SecretResolutionException {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      String v = parameters.get(e.getValue());
      if (v == null) {
        throw new SecretResolver.SecretResolutionException(
            "parameter does not exist: " + e.getValue());
      }
      out.put(e.getKey(), v);
    }
    for (var e : secrets.entrySet()) {
      String v = secretValues.get(e.getValue().secretId());
      if (v == null) {
        throw new SecretResolver.SecretResolutionException(
            "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private ArtifactStore.Upload store(BuildIdentity build, String identifier, String name) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String key = identifier == null ? "artifacts" : identifier;
    return new ArtifactStore.Upload() {
      @Override
      public OutputStream stream() {
        return buf;
      }

      @Override
      public String commit() throws IOException {
        if (uploadFailure != null) {
          throw new IOException(uploadFailure);
        }
        artifacts.put(key, buf.toByteArray());
        if (name != null) {
          artifactNames.put(key, name);
        }
        return "memory://" + key;
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public Sandbox provision(
      BuildIdentity build, Consumer<OutputLine> output, dev.localbuild.runtime.log.LogSink log)
      throws dev.localbuild.runtime.sandbox.ProvisioningException {
    try {
      return provisionLocal(build, output);
    } catch (IOException e) {
      throw new dev.localbuild.runtime.sandbox.ProvisioningException(e.getMessage(), false, e);
    }
  }

  private Sandbox provisionLocal(BuildIdentity build, Consumer<OutputLine> output)
      throws IOException {
    Path box = Files.createDirectories(root.resolve("box-" + build.uuid()));
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", root.toString());
    LocalSandbox s =
        new LocalSandbox(
            box, src, Map.of(), src.resolve("buildspec.yml").toString(), env, output, true);
    sandboxes.add(s);
    return s;
  }

  @Override
  public String executor() {
    return "test";
  }

  @Override
  public String image() {
    return "local-test";
  }

  /** Command output (stdout and stderr) without the blank lines CodeBuild adds after commands. */
  List<String> output() {
    return log.stream()
        .filter(l -> l.source() != LogLine.Source.AGENT && !l.text().isEmpty())
        .map(LogLine::text)
        .toList();
  }

  /** The agent's lines, without timestamps. */
  List<String> agentLines() {
    return log.stream().filter(l -> l.source() == LogLine.Source.AGENT).map(LogLine::text).toList();
  }

  String formatted() {
    StringBuilder b = new StringBuilder();
    log.forEach(l -> b.append(ContainerLogFormat.format(l)).append('\n'));
    return b.toString();
  }

  static Map<PhaseType, StatusType> statuses(BuildRecord r) {
    Map<PhaseType, StatusType> m = new LinkedHashMap<>();
    r.phases().forEach(p -> m.put(p.type(), p.status()));
    return m;
  }
}
