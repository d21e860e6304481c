package dev.localbuild.runtime.report;

import static dev.localbuild.runtime.report.Xml.all;
import static dev.localbuild.runtime.report.Xml.attr;
import static dev.localbuild.runtime.report.Xml.children;
import static dev.localbuild.runtime.report.Xml.longAttr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/** Readers for CodeBuild's code coverage formats: JaCoCo, Cobertura, Clover and SimpleCov. */
final class CoverageReportParsers {
  private CoverageReportParsers() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CONDITIONS = Pattern.compile("\\((\\d+)/(\\d+)\\)");

  /** JaCoCo XML: {@code sourcefile} elements with LINE and BRANCH counters. */
  static List<FileCoverage> jacoco(byte[] content) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<FileCoverage> out = new ArrayList<>();
    for (Element pkg : all(root, "package")) {
      for (Element sf : children(pkg, "sourcefile")) {
        long lc = 0, lm = 0, bc = 0, bm = 0;
        for (Element c : children(sf, "counter")) {
          switch (String.valueOf(attr(c, "type"))) {
            case "LINE" -> {
              lc = longAttr(c, "covered");
              lm = longAttr(c, "missed");
            }
            case "BRANCH" -> {
              bc = longAttr(c, "covered");
              bm = longAttr(c, "missed");
            }
            default -> {}
          }
        }
        out.add(new FileCoverage(attr(pkg, "name") + "/" + attr(sf, "name"), lc, lm, bc, bm));
      }
    }
    return out;
  }

  /** Cobertura XML: per class {@code lines/line hits}, branches from {@code condition-coverage}. */
  static List<FileCoverage> cobertura(byte[] content) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    Map<String, long[]> byFile = new LinkedHashMap<>();
    for (Element cls : all(root, "class")) {
      long[] c = byFile.computeIfAbsent(String.valueOf(attr(cls, "filename")), f -> new long[4]);
      for (Element line : all(cls, "line")) {
        if (longAttr(line, "hits") > 0) {
          c[0]++;
        } else {
          c[1]++;
        }
        Matcher m = CONDITIONS.matcher(String.valueOf(attr(line, "condition-coverage")));
        if ("true".equals(attr(line, "branch")) && m.find()) {
          long covered = Long.parseLong(m.group(1));
          long total = Long.parseLong(m.group(2));
          c[2] += covered;
          c[3] += total - covered;
        }
      }
    }
    return toList(byFile);
  }

  /** Clover XML: per {@code file}, {@code metrics} statements and conditionals. */
  static List<FileCoverage> clover(byte[] content) throws IOException {
    Element root = Xml.parse(content).getDocumentElement();
    List<FileCoverage> out = new ArrayList<>();
    for (Element file : all(root, "file")) {
      Element metrics = Xml.child(file, "metrics");
      if (metrics == null) {
        continue;
      }
      long statements = longAttr(metrics, "statements");
      long coveredStatements = longAttr(metrics, "coveredstatements");
      long conditionals = longAttr(metrics, "conditionals");
      long coveredConditionals = longAttr(metrics, "coveredconditionals");
      String name = attr(file, "path") != null ? attr(file, "path") : attr(file, "name");
      out.add(
          new FileCoverage(
              String.valueOf(name),
              coveredStatements,
              statements - coveredStatements,
              coveredConditionals,
              conditionals - coveredConditionals));
    }
    return out;
  }

  /**
   * SimpleCov's JSON ({@code .resultset.json}, or {@code coverage.json} of SimpleCov 0.18+): per
   * file a {@code lines} array of hit counts, null for lines that are not code.
   */
  static List<FileCoverage> simplecov(byte[] content) throws IOException {
    JsonNode root = JSON.readTree(content);
    Map<String, long[]> byFile = new LinkedHashMap<>();
    List<JsonNode> coverages = new ArrayList<>();
    if (root.has("coverage")) {
      coverages.add(root.get("coverage"));
    } else {
      root.forEach(run -> coverages.add(run.path("coverage")));
    }
    for (JsonNode coverage : coverages) {
      for (Iterator<Map.Entry<String, JsonNode>> it = coverage.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> file = it.next();
        JsonNode lines =
            file.getValue().isArray() ? file.getValue() : file.getValue().path("lines");
        long[] c = byFile.computeIfAbsent(file.getKey(), f -> new long[4]);
        for (JsonNode hits : lines) {
          if (hits.isNull()) {
            continue;
          }
          if (hits.asLong() > 0) {
            c[0]++;
          } else {
            c[1]++;
          }
        }
        JsonNode branches = file.getValue().path("branches");
        branches.forEach(condition ->
            condition.forEach(hits -> {
              if (hits.asLong() > 0) {
                c[2]++;
              } else {
                c[3]++;
              }
            }));
      }
    }
    return toList(byFile);
  }

  private static List<FileCoverage> toList(Map<String, long[]> byFile) {
    List<FileCoverage> out = new ArrayList<>();
    byFile.forEach((f, c) -> out.add(new FileCoverage(f, c[0], c[1], c[2], c[3])));
    return out;
  }
}
