package dev.localbuild.agent.host;

import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.sandbox.LocalSandbox;
import dev.localbuild.runtime.sandbox.Provisioner;
import dev.localbuild.runtime.sandbox.ProvisioningException;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.sandbox.SourceFiles;
import dev.localbuild.runtime.sandbox.TreeCopy;
import dev.localbuild.runtime.shell.OutputLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The host executor: commands run on this machine, as the current user, in a scratch copy of the
 * source (so the build cannot change the work tree), for people without Docker. HOME stays the
 * user's own; everything else follows CodeBuild.
 */
public final class HostProvisioner implements Provisioner {
  private final Path workRoot;
  private final Path source;
  private final Map<String, Path> secondary;
  private final String buildspecInSource;
  private final boolean mountSource;
  private final boolean keep;
  private final SourceFiles sourceFiles;
  private final Map<String, String> variables;

  /**
   * @param workRoot where scratch directories go
   * @param source the primary source
   * @param sourceFiles what of {@code source} is copied (a git work tree's tracked files)
   * @param secondary secondary sources by identifier
   * @param buildspecInSource the buildspec's path relative to the source, or null
   * @param mountSource use the source directory itself instead of a copy ({@code -m})
   * @param keep leave the scratch directory after the build
   */
  public HostProvisioner(
      Path workRoot,
      Path source,
      SourceFiles sourceFiles,
      Map<String, Path> secondary,
      String buildspecInSource,
      boolean mountSource,
      boolean keep,
      Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
    this.workRoot = workRoot;
    this.source = source;
    this.sourceFiles = sourceFiles;
    this.secondary = secondary;
    this.buildspecInSource = buildspecInSource;
    this.mountSource = mountSource;
    this.keep = keep;
  }

  @Override
  public String executor() {
    return "host";
  }

  @Override
  public String image() {
    return "host";
  }

  @Override
  public Sandbox provision(BuildIdentity build, Consumer<OutputLine> output, LogSink log)
      throws ProvisioningException {
    Path root = workRoot.resolve(build.uuid().toString());
    try {
      Files.createDirectories(root);
      Path src =
          mountSource
              ? source.toAbsolutePath()
              : TreeCopy.copy(source, root.resolve("src"), sourceFiles);
      Map<String, Path> secondaryDirs = new LinkedHashMap<>();
      for (var e : secondary.entrySet()) {
        secondaryDirs.put(
            e.getKey(),
            mountSource
                ? e.getValue().toAbsolutePath()
                : TreeCopy.copy(e.getValue(), root.resolve(e.getKey())));
      }
      Map<String, String> env = new HashMap<>(System.getenv());
      String location =
          buildspecInSource != null
              ? src.resolve(buildspecInSource).toString()
              : root.resolve("readonly/buildspec.yml").toString();
      return new LocalSandbox(root, src, secondaryDirs, location, env, output, !keep, variables);
    } catch (IOException e) {
      LocalSandbox.deleteTree(root);
      throw new ProvisioningException(
          "Unable to prepare the build directory " + root + ": " + e.getMessage(), false, e);
    }
  }
}
