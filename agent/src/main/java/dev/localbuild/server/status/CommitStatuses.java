package dev.localbuild.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.server.store.SourceCredentialStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reports builds back to the commit they build, as CodeBuild does for a project whose source has
 * {@code reportBuildStatus}: in progress once the commit is known, then the outcome, with the token
 * ImportSourceCredentials gave for the source's server type. A host that refuses is logged (never
 * the token) and the build goes on.
 */
public final class CommitStatuses {
  private final java.util.function.Function<String, String> links;
  private final SourceCredentialStore credentials;
  private final Map<String, URI> apis;
  private final String region;
  private final Consumer<String> log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  /**
   * @param apis a host API by server type, where it is not the public one (GitHub Enterprise,
   *     tests)
   */
  /**
   * @param links a build's page on this server, by build id
   */
  public CommitStatuses(
      SourceCredentialStore credentials,
      Map<String, URI> apis,
      String region,
      java.util.function.Function<String, String> links,
      Consumer<String> log) {
    this.links = links;
    this.credentials = credentials;
    this.apis = Map.copyOf(apis);
    this.region = region;
    this.log = log;
  }

  /** A build's record changed: its commit hears of it if the project asks and it is news. */
  public void record(ObjectNode project, BuildRecord r) {
    ObjectNode source = (ObjectNode) project.path("source");
    if (!source.path("reportBuildStatus").asBoolean(false)) {
      return;
    }
    String type = source.path("type").asText();
    String location = source.path("location").asText("");
    String sha = r.resolvedSourceVersion();
    if (sha == null && r.sourceVersion() != null && r.sourceVersion().matches("[0-9a-f]{40}")) {
      sha = r.sourceVersion();
    }
    Optional<String> repository = CommitStatus.repository(location);
    if (sha == null || repository.isEmpty() || !type.matches("GITHUB.*|GITLAB.*|BITBUCKET")) {
      return;
    }
    String status = r.buildComplete() ? r.buildStatus().name() : "IN_PROGRESS";
    if (status.equals(reported.put(r.id(), status))) {
      return;
    }
    if (r.buildComplete()) {
      reported.remove(r.id());
    }
    Optional<SourceCredentialStore.Credential> credential;
    try {
      credential = credentials.get(type);
    } catch (SQLException e) {
      log.accept(r.id() + ": cannot read the source credentials: " + e.getMessage());
      return;
    }
    if (credential.isEmpty()) {
      log.accept(
          r.id()
              + ": reportBuildStatus is set but no source credential of type "
              + type
              + " was imported (ImportSourceCredentials)");
      return;
    }
    CommitStatus s =
        CommitStatus.of(
            type,
            CommitStatus.api(type, location, apis.get(type)),
            repository.get(),
            sha,
            status,
            r.projectName(),
            region,
            r.id(),
            credential.get().username(),
            credential.get().token(),
            links.apply(r.id()));
    send(r.id(), s);
  }

  private void send(String buildId, CommitStatus s) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(s.uri())
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(s.body()));
    s.headers().forEach(req::header);
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete((res, e) -> {
          if (e != null) {
            log.accept(buildId + ": cannot report its status to " + s.uri().getHost() + ": " + e);
          } else if (res.statusCode() >= 300) {
            log.accept(
                buildId
                    + ": "
                    + s.uri().getHost()
                    + " refused its status: HTTP "
                    + res.statusCode());
          }
        });
  }
}
