package dev.localbuild.runtime.sandbox;

import dev.localbuild.runtime.log.LogSink;
import dev.localbuild.runtime.model.BuildIdentity;
import dev.localbuild.runtime.shell.OutputLine;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Makes sandboxes: the executor's side of PROVISIONING (and the source copy of DOWNLOAD_SOURCE).
 */
public interface Provisioner {
  /**
   * Creates and starts a sandbox for a build, with the source in it and its shell running.
   *
   * @param build the build
   * @param output receives every line the build's commands write
   * @param log for the agent's own progress lines
   * @throws ProvisioningException when the sandbox cannot be made
   */
  Sandbox provision(BuildIdentity build, Consumer<OutputLine> output, LogSink log)
      throws ProvisioningException, InterruptedException;

  /** Which executor this is: {@code docker} or {@code host}. */
  String executor();

  /** The image (or {@code host}) builds run in. */
  String image();

  /**
   * The image exactly ({@code name@sha256:...}, or an image id), once {@link #provision} has made
   * sure of it; null until then, and where there is no image.
   */
  default @Nullable String imageDigest() {
    return null;
  }
}
