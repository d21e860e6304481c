package dev.localbuild.runtime.report;

import java.io.IOException;

/** Where a build's reports go (a directory of JSON files, the agent's history). */
@FunctionalInterface
public interface ReportStore {
  void save(Report report) throws IOException;
}
