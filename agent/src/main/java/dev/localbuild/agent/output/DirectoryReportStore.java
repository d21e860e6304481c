package dev.localbuild.agent.output;

import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.runtime.report.Report;
import dev.localbuild.runtime.report.ReportStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reports as JSON files in the {@code -r} directory, one per report group ({@code <group>.json}),
 * and kept in memory for the summary printed at the end of the run.
 */
public final class DirectoryReportStore implements ReportStore {
  private final Path dir;
  private final List<Report> reports = Collections.synchronizedList(new ArrayList<>());

  public DirectoryReportStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public void save(Report report) throws IOException {
    Files.createDirectories(dir);
    String file = report.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    RecordJson.MAPPER.writeValue(dir.resolve(file).toFile(), RecordJson.report(report));
    reports.add(report);
  }

  public List<Report> reports() {
    return List.copyOf(reports);
  }
}
