package dev.localbuild.runtime.artifact;

import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** Where a build's artifacts go: a local directory, an S3 bucket. */
public interface ArtifactStore {
  /** An artifact being written; {@link #commit} makes it visible, {@link #abort} drops it. */
  interface Upload {
    OutputStream stream();

    /**
     * @return the artifact's location, e.g. {@code file:///tmp/out/artifacts.zip}
     */
    String commit() throws IOException;

    void abort();
  }

  /**
   * Starts writing an artifact (a zip).
   *
   * @param identifier null for the primary artifact, else the secondary artifact's identifier
   * @param name the artifact's name ({@code artifacts.name} evaluated), or null when none is set
   */
  Upload open(@Nullable String identifier, @Nullable String name) throws IOException;
}
