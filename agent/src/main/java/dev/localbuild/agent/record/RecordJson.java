package dev.localbuild.agent.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.PhaseContext;
import dev.localbuild.runtime.model.PhaseRecord;
import dev.localbuild.runtime.report.Report;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * JSON in CodeBuild's shapes: a build as {@code aws codebuild batch-get-builds} prints one (field
 * names, nesting, timestamps in the CLI's ISO 8601 form, absent fields left out), reports as {@code
 * describe-test-cases} and {@code describe-code-coverages} return them.
 */
public final class RecordJson {
  private RecordJson() {}

  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  /** A time as CodeBuild's records write it (microseconds, with the offset). */
  public static String time(Instant i) {
    return TIME.format(i);
  }

  /** A build record as a {@code Build} object. */
  public static ObjectNode build(BuildRecord r) {
    ObjectNode b = MAPPER.createObjectNode();
    b.put("id", r.id());
    b.put("arn", r.arn());
    b.put("buildNumber", r.buildNumber());
    b.put("startTime", time(r.startTime()));
    if (r.endTime() != null) {
      b.put("endTime", time(r.endTime()));
    }
    b.put("currentPhase", r.currentPhase().name());
    b.put("buildStatus", r.buildStatus().name());
    if (r.sourceVersion() != null) {
      b.put("sourceVersion", r.sourceVersion());
    }
    if (r.resolvedSourceVersion() != null) {
      b.put("resolvedSourceVersion", r.resolvedSourceVersion());
    }
    b.put("projectName", r.projectName());
    ArrayNode phases = b.putArray("phases");
    for (PhaseRecord p : r.phases()) {
      ObjectNode n = phases.addObject();
      n.put("phaseType", p.type().name());
      if (p.status() != null) {
        n.put("phaseStatus", p.status().name());
      }
      n.put("startTime", time(p.start()));
      if (p.end() != null) {
        n.put("endTime", time(p.end()));
        n.put("durationInSeconds", p.durationInSeconds());
      }
      if (p.status() != null && p.type() != dev.localbuild.runtime.model.PhaseType.SUBMITTED) {
        ArrayNode contexts = n.putArray("contexts");
        for (PhaseContext c : p.contexts()) {
          contexts.addObject().put("statusCode", c.statusCode()).put("message", c.message());
        }
      }
    }
    source(b.putObject("source"), r.source());
    if (!r.secondarySources().isEmpty()) {
      ArrayNode sec = b.putArray("secondarySources");
      ArrayNode versions = b.putArray("secondarySourceVersions");
      for (BuildRecord.Source s : r.secondarySources()) {
        source(sec.addObject(), s);
        if (s.sourceVersion() != null) {
          versions
              .addObject()
              .put("sourceIdentifier", s.sourceIdentifier())
              .put("sourceVersion", s.sourceVersion());
        }
      }
    }
    if (r.artifacts() != null) {
      artifact(b.putObject("artifacts"), r.artifacts());
    }
    if (!r.secondaryArtifacts().isEmpty()) {
      ArrayNode sec = b.putArray("secondaryArtifacts");
      r.secondaryArtifacts().forEach(a -> artifact(sec.addObject(), a));
    }
    ObjectNode env = b.putObject("environment");
    env.put("type", r.environment().type());
    env.put("image", r.environment().image());
    env.put("computeType", r.environment().computeType());
    ArrayNode vars = env.putArray("environmentVariables");
    r.environment()
        .environmentVariables()
        .forEach(v ->
            vars.addObject().put("name", v.name()).put("value", v.value()).put("type", v.type()));
    env.put("privilegedMode", r.environment().privilegedMode());
    env.put("imagePullCredentialsType", "CODEBUILD");
    ObjectNode cache = b.putObject("cache").put("type", r.settings().cache().type());
    if (r.settings().cache().location() != null) {
      cache.put("location", r.settings().cache().location());
    }
    if (!r.settings().cache().modes().isEmpty()) {
      ArrayNode modes = cache.putArray("modes");
      r.settings().cache().modes().forEach(modes::add);
    }
    if (r.settings().serviceRole() != null) {
      b.put("serviceRole", r.settings().serviceRole());
    }
    logs(b.putObject("logs"), r);
    b.put("timeoutInMinutes", r.timeoutInMinutes());
    b.put("queuedTimeoutInMinutes", 480);
    b.put("buildComplete", r.buildComplete());
    b.put("initiator", r.initiator());
    b.put("encryptionKey", r.settings().encryptionKey());
    if (!r.exportedEnvironmentVariables().isEmpty()) {
      ArrayNode ex = b.putArray("exportedEnvironmentVariables");
      r.exportedEnvironmentVariables()
          .forEach(v -> ex.addObject().put("name", v.name()).put("value", v.value()));
    }
    if (!r.reportArns().isEmpty()) {
      ArrayNode arns = b.putArray("reportArns");
      r.reportArns().forEach(arns::add);
    }
    if (r.autoRetry() != null) {
      ObjectNode a = b.putObject("autoRetryConfig");
      a.put("autoRetryLimit", r.autoRetry().autoRetryLimit());
      a.put("autoRetryNumber", r.autoRetry().autoRetryNumber());
      if (r.autoRetry().nextAutoRetry() != null) {
        a.put("nextAutoRetry", r.autoRetry().nextAutoRetry());
      }
      if (r.autoRetry().previousAutoRetry() != null) {
        a.put("previousAutoRetry", r.autoRetry().previousAutoRetry());
      }
    }
    b.put("executor", r.environment().executor());
    if (r.sourceDirty() != null) {
      b.put("sourceDirty", r.sourceDirty());
    }
    if (r.imageDigest() != null) {
      b.put("imageDigest", r.imageDigest());
    }
    return b;
  }

  /**
   * Where the build's log is, in CodeBuild's shape: its CloudWatch Logs group and stream (the
   * server serves them through the Logs API), the console link and the stream's ARN.
   */
  private static void logs(ObjectNode n, BuildRecord r) {
    logs(n, r.id(), r.arn(), r.projectName());
  }

  /** A build's {@code logs} member, from its id, ARN and project. */
  public static void logs(ObjectNode n, String id, String buildArn, String project) {
    String stream = id.substring(id.indexOf(':') + 1);
    String group = "/aws/codebuild/" + project;
    String[] arn = buildArn.split(":", 6); // arn:aws:codebuild:REGION:ACCOUNT:build/...
    String region = arn.length > 4 ? arn[3] : "us-east-1";
    String account = arn.length > 4 ? arn[4] : "000000000000";
    n.put("groupName", group);
    n.put("streamName", stream);
    n.put(
        "deepLink",
        "https://console.aws.amazon.com/cloudwatch/home?region="
            + region
            + "#logEvent:group="
            + group
            + ";stream="
            + stream);
    n.put(
        "cloudWatchLogsArn",
        "arn:aws:logs:" + region + ":" + account + ":log-group:" + group + ":log-stream:" + stream);
    n.putObject("cloudWatchLogs").put("status", "ENABLED");
  }

  private static void source(ObjectNode n, BuildRecord.Source s) {
    n.put("type", s.type());
    n.put("location", s.location());
    if (s.buildspec() != null) {
      n.put("buildspec", s.buildspec());
    }
    if (s.sourceIdentifier() != null) {
      n.put("sourceIdentifier", s.sourceIdentifier());
    }
  }

  private static void artifact(ObjectNode n, BuildRecord.Artifact a) {
    n.put("location", a.location());
    if (a.sha256sum() != null) {
      n.put("sha256sum", a.sha256sum());
    }
    if (a.md5sum() != null) {
      n.put("md5sum", a.md5sum());
    }
    n.put("overrideArtifactName", a.overrideArtifactName());
    if (a.artifactIdentifier() != null) {
      n.put("artifactIdentifier", a.artifactIdentifier());
    }
  }

  /** A report: the {@code Report} object plus its test cases or code coverages. */
  public static ObjectNode report(Report r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("arn", r.arn());
    n.put("type", r.type());
    n.put("name", r.name());
    n.put("reportGroupArn", r.reportGroupArn());
    n.put("executionId", r.executionId());
    n.put("status", r.status());
    n.put("created", time(r.created()));
    n.put("fileFormat", r.fileFormat());
    if (r.testSummary() != null) {
      ObjectNode s = n.putObject("testSummary");
      s.put("total", r.testSummary().total());
      ObjectNode counts = s.putObject("statusCounts");
      r.testSummary().statusCounts().forEach(counts::put);
      s.put("durationInNanoSeconds", r.testSummary().durationInNanoSeconds());
    }
    if (r.codeCoverageSummary() != null) {
      var c = r.codeCoverageSummary();
      n.putObject("codeCoverageSummary")
          .put("lineCoveragePercentage", c.lineCoveragePercentage())
          .put("linesCovered", c.linesCovered())
          .put("linesMissed", c.linesMissed())
          .put("branchCoveragePercentage", c.branchCoveragePercentage())
          .put("branchesCovered", c.branchesCovered())
          .put("branchesMissed", c.branchesMissed());
    }
    n.put("truncated", false);
    ArrayNode cases = n.putArray("testCases");
    r.testCases()
        .forEach(t -> {
          ObjectNode c = cases.addObject();
          c.put("reportArn", r.arn());
          c.put("testRawDataPath", t.testRawDataPath());
          if (t.prefix() != null) {
            c.put("prefix", t.prefix());
          }
          c.put("name", t.name());
          c.put("status", t.status());
          c.put("durationInNanoSeconds", t.durationInNanoSeconds());
          if (t.message() != null) {
            c.put("message", t.message());
          }
          if (t.testSuiteName() != null) {
            c.put("testSuiteName", t.testSuiteName());
          }
        });
    ArrayNode cov = n.putArray("codeCoverages");
    r.codeCoverages()
        .forEach(f ->
            cov.addObject()
                .put("reportARN", r.arn())
                .put("filePath", f.filePath())
                .put("lineCoveragePercentage", f.lineCoveragePercentage())
                .put("linesCovered", f.linesCovered())
                .put("linesMissed", f.linesMissed())
                .put("branchCoveragePercentage", f.branchCoveragePercentage())
                .put("branchesCovered", f.branchesCovered())
                .put("branchesMissed", f.branchesMissed()));
    if (!r.problems().isEmpty()) {
      ArrayNode p = n.putArray("problems");
      r.problems().forEach(p::add);
    }
    return n;
  }
}
