package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Samples as git repositories, as a user's checkout (or a project's repository) would be. */
final class SampleRepos {
  private SampleRepos() {}

  /** A copy of a sample, committed as one commit of a new repository. */
  static Path committed(Path sample, Path to) throws Exception {
    copy(sample, to);
    git(to, "init", "-q");
    git(to, "add", "-A");
    git(to, "commit", "-q", "-m", "version 1");
    return to;
  }

  static Path copy(Path sample, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(sample)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(sample.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s", cmd).isTrue();
  }
}
