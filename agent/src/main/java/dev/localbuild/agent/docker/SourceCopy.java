package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import dev.localbuild.runtime.shell.ShellSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A build's sources into its container, when they are copied rather than mounted. A copy with the
 * engine's archive API costs the engine about 0.2 s even when it brings nothing, so a build with
 * nothing to copy (NO_SOURCE, or a source fetched in DOWNLOAD_SOURCE) skips it (its container makes
 * the empty source directory itself as it starts), and a source of a few KiB goes in through the
 * build's own shell once it runs ({@link SourcePipe}). Anything larger is copied before the
 * container starts.
 */
final class SourceCopy {
  private final DockerClient docker;
  private final DockerProvisioner.Settings settings;
  private final List<SourceTar.Mapping> mappings = new ArrayList<>();
  private byte @Nullable [] small;

  /**
   * @param sourceDir where the primary source goes in the container
   * @param secondaryDirs where each secondary source goes, by its identifier
   */
  SourceCopy(
      DockerClient docker,
      DockerProvisioner.Settings settings,
      String sourceDir,
      Map<String, String> secondaryDirs) {
    this.docker = docker;
    this.settings = settings;
    mappings.add(new SourceTar.Mapping(settings.source(), sourceDir, settings.sourceFiles()));
    settings
        .secondary()
        .forEach((id, p) -> mappings.add(new SourceTar.Mapping(p, secondaryDirs.get(id))));
  }

  /** Before the container starts: copies a source too large for the shell. */
  void beforeStart(String containerId) throws IOException {
    if (settings.mountSource() || !any()) {
      return;
    }
    small = SourceTar.small(mappings, SourcePipe.LIMIT).orElse(null);
    if (small == null) {
      copy(containerId);
    }
  }

  /**
   * Once the container runs: the small source through its shell, or with the archive API when the
   * image lacks what the shell needs to unpack it ({@code base64}, {@code tar}).
   */
  void afterStart(String containerId, ShellSession shell) throws IOException, InterruptedException {
    if (small != null && !SourcePipe.send(shell, small)) {
      copy(containerId);
    }
  }

  private boolean any() throws IOException {
    if (!settings.secondary().isEmpty()) {
      return true;
    }
    try (Stream<java.nio.file.Path> entries = Files.list(settings.source())) {
      return entries.findAny().isPresent();
    }
  }

  private void copy(String containerId) throws IOException {
    try (InputStream tar = SourceTar.stream(mappings, List.of(DockerProvisioner.SHELL_DIR))) {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withTarInputStream(tar)
          .withRemotePath("/")
          .exec();
    }
  }
}
