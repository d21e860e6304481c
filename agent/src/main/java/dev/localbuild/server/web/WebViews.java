package dev.localbuild.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.build.BuildOutputs;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.builds.BuildService;
import dev.localbuild.server.store.BuildStore;
import dev.localbuild.server.store.DeliveryStore;
import dev.localbuild.server.store.ProjectStore;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the web page reads: projects, pages of builds, a build with its reports and artifacts, a
 * page of its log, a project's webhook deliveries. Every answer is bounded (a page of builds, a
 * page of lines), so a long history or log costs what a short one does.
 */
final class WebViews {
  static final int BUILDS_PAGE = 50;
  static final int LOG_PAGE = 1_000;
  static final int MAX_LOG_PAGE = 5_000;
  private final ProjectStore projects;
  private final BuildStore builds;
  private final DeliveryStore deliveries;
  private final Path state;

  WebViews(ProjectStore projects, BuildStore builds, DeliveryStore deliveries, Path state) {
    this.projects = projects;
    this.builds = builds;
    this.deliveries = deliveries;
    this.state = state;
  }

  /** {@code GET /ui/api/projects}: each project with its newest build. */
  void projects(RoutingContext ctx) throws SQLException {
    ArrayNode out = RecordJson.MAPPER.createArrayNode();
    for (String name : projects.names(false, false)) {
      Optional<ObjectNode> p = projects.get(name);
      if (p.isEmpty()) {
        continue; // deleted meanwhile
      }
      ObjectNode row =
          out.addObject()
              .put("name", name)
              .put("description", p.get().path("description").asText(""))
              .put("sourceType", p.get().path("source").path("type").asText(""))
              .put("sourceLocation", p.get().path("source").path("location").asText(""))
              .put("image", p.get().path("environment").path("image").asText(""))
              .put("webhook", p.get().has("webhook"));
      List<BuildStore.Row> newest = builds.page(name, null, 1).rows();
      if (!newest.isEmpty()) {
        row.set("lastBuild", summary(newest.getFirst()));
      }
    }
    WebJson.reply(ctx, 200, RecordJson.MAPPER.createObjectNode().set("projects", out));
  }

  /** {@code GET /ui/api/builds?project=&next=}: a page of builds, newest first. */
  void builds(RoutingContext ctx) throws SQLException {
    String project = ctx.request().getParam("project");
    String next = ctx.request().getParam("next");
    BuildStore.Page page;
    try {
      page = builds.page(project == null || project.isEmpty() ? null : project, next, BUILDS_PAGE);
    } catch (IllegalArgumentException e) {
      WebJson.error(ctx, 400, e.getMessage());
      return;
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("builds");
    page.rows().forEach(r -> list.add(summary(r)));
    if (page.next() != null) {
      out.put("next", page.next());
    }
    WebJson.reply(ctx, 200, out);
  }

  /** A build as the list shows it. */
  static ObjectNode summary(BuildStore.Row r) {
    JsonNode b = r.record();
    ObjectNode s =
        RecordJson.MAPPER
            .createObjectNode()
            .put("id", r.id())
            .put("project", r.project())
            .put("number", r.number())
            .put("status", r.status())
            .put("currentPhase", b.path("currentPhase").asText(""))
            .put("initiator", b.path("initiator").asText(""))
            .put(
                "sourceVersion",
                b.path("resolvedSourceVersion").asText(b.path("sourceVersion").asText("")))
            .put("startTime", b.path("startTime").asText(""))
            .put("untrusted", untrusted(r));
    if (b.has("endTime")) {
      s.put("endTime", b.path("endTime").asText());
    }
    return s;
  }

  /** A fork's pull request, built without credentials, secrets, privilege or cache writes. */
  static boolean untrusted(BuildStore.Row r) {
    return r.request().path(BuildService.UNTRUSTED).asBoolean(false);
  }

  /** {@code GET /ui/api/builds/:id}: the record, its reports and its artifacts. */
  void build(RoutingContext ctx) throws SQLException, IOException {
    Optional<BuildStore.Row> row = builds.get(ctx.pathParam("id"));
    if (row.isEmpty()) {
      WebJson.error(ctx, 404, "Build " + ctx.pathParam("id") + " does not exist");
      return;
    }
    BuildStore.Row r = row.get();
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set("summary", summary(r));
    out.set("build", r.record());
    ArrayNode reports = out.putArray("reports");
    for (Path f : files(reportsDir(r), ".json")) {
      reports.add(report(RecordJson.MAPPER.readTree(f.toFile()), f.getFileName().toString()));
    }
    ArrayNode artifacts = out.putArray("artifacts");
    for (Path f : files(artifactsDir(r), ".zip")) {
      artifacts.addObject().put("name", f.getFileName().toString()).put("size", Files.size(f));
    }
    WebJson.reply(ctx, 200, out);
  }

  /** A report's summary and its cases that did not pass, with their messages. */
  static ObjectNode report(JsonNode report, String file) {
    ObjectNode out =
        RecordJson.MAPPER
            .createObjectNode()
            .put("file", file)
            .put("name", report.path("name").asText())
            .put("type", report.path("type").asText())
            .put("status", report.path("status").asText());
    out.set("testSummary", report.path("testSummary"));
    if (report.has("codeCoverageSummary")) {
      out.set("codeCoverageSummary", report.path("codeCoverageSummary"));
    }
    ArrayNode failing = out.putArray("failing");
    for (JsonNode c : report.path("testCases")) {
      String status = c.path("status").asText();
      if (status.equals("FAILED") || status.equals("ERROR")) {
        failing
            .addObject()
            .put("prefix", c.path("prefix").asText(""))
            .put("name", c.path("name").asText())
            .put("status", status)
            .put("message", c.path("message").asText(""));
      }
    }
    return out;
  }

  /**
   * {@code GET /ui/api/builds/:id/log?after=N} (the lines after a sequence, oldest first), {@code
   * ?before=N} (the page before one) or neither (the last page): each line rendered as HTML.
   */
  void log(RoutingContext ctx) throws SQLException {
    String id = ctx.pathParam("id");
    if (builds.get(id).isEmpty()) {
      WebJson.error(ctx, 404, "Build " + id + " does not exist");
      return;
    }
    long after;
    long before;
    int limit;
    try {
      after = longParam(ctx, "after", 0);
      before = longParam(ctx, "before", Long.MAX_VALUE);
      limit = (int) Math.min(longParam(ctx, "limit", LOG_PAGE), MAX_LOG_PAGE);
    } catch (NumberFormatException e) {
      WebJson.error(ctx, 400, "after, before and limit are numbers");
      return;
    }
    boolean fromHead = ctx.request().getParam("after") != null;
    List<BuildStore.LogLine> lines = builds.log(id, after, before, limit + 1, fromHead);
    // one more than asked tells whether there is more beyond the page
    boolean more = lines.size() > limit;
    if (more) {
      lines = fromHead ? lines.subList(0, limit) : lines.subList(1, lines.size());
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set("lines", lines(lines));
    out.put(fromHead ? "moreAfter" : "moreBefore", more);
    WebJson.reply(ctx, 200, out);
  }

  static ArrayNode lines(List<BuildStore.LogLine> lines) {
    ArrayNode out = RecordJson.MAPPER.createArrayNode();
    for (BuildStore.LogLine l : lines) {
      out.addObject()
          .put("seq", l.seq())
          .put("at", l.atMillis())
          .put("html", AnsiHtml.render(l.text()));
    }
    return out;
  }

  /** {@code GET /ui/api/projects/:name/deliveries}: the newest 100. */
  void deliveries(RoutingContext ctx) throws SQLException {
    ArrayNode out = RecordJson.MAPPER.createArrayNode();
    for (DeliveryStore.Delivery d : deliveries.list(ctx.pathParam("name"), 100)) {
      ObjectNode n =
          out.addObject()
              .put("deliveryId", d.deliveryId())
              .put("provider", d.provider())
              .put("event", d.event())
              .put("received", d.received())
              .put("result", d.result())
              .put("reason", d.reason());
      n.put("buildId", d.buildId());
    }
    WebJson.reply(ctx, 200, RecordJson.MAPPER.createObjectNode().set("deliveries", out));
  }

  /**
   * {@code GET /ui/api/builds/:id/files/:kind/:name}: an artifact zip or a report's JSON, as a
   * download. Only a file of that build's own directory: the name is looked up, never resolved.
   */
  void download(RoutingContext ctx) throws SQLException, IOException {
    Optional<BuildStore.Row> row = builds.get(ctx.pathParam("id"));
    String kind = ctx.pathParam("kind");
    String name = ctx.pathParam("name");
    if (row.isEmpty() || !(kind.equals("artifacts") || kind.equals("reports"))) {
      WebJson.error(ctx, 404, "No such file");
      return;
    }
    Path dir = kind.equals("artifacts") ? artifactsDir(row.get()) : reportsDir(row.get());
    Optional<Path> file =
        files(dir, kind.equals("artifacts") ? ".zip" : ".json").stream()
            .filter(f -> f.getFileName().toString().equals(name))
            .findFirst();
    if (file.isEmpty()) {
      WebJson.error(ctx, 404, "No such file: " + name);
      return;
    }
    ctx.response()
        .putHeader(
            "Content-Type", kind.equals("artifacts") ? "application/zip" : "application/json")
        .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
        .putHeader("Cache-Control", "no-store")
        .sendFile(file.get().toString());
  }

  private Path artifactsDir(BuildStore.Row r) {
    return BuildOutputs.keptArtifacts(state, r.project(), r.number());
  }

  private Path reportsDir(BuildStore.Row r) {
    return BuildOutputs.keptReports(state, r.project(), r.number());
  }

  /** A directory's regular files with this ending, by name; none when it does not exist. */
  private static List<Path> files(Path dir, String ending) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(ending))
          .sorted()
          .toList();
    }
  }

  private static long longParam(RoutingContext ctx, String name, long absent) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? absent : Long.parseLong(v);
  }
}
