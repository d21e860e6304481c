package dev.localbuild.runtime.artifact;

import dev.localbuild.runtime.model.BuildIdentity;
import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/** Where a build's artifacts go: a local directory, an S3 bucket. */
public interface ArtifactStore {
  /** An artifact being written; {@link #commit} makes it visible, {@link #abort} drops it. */
  interface Upload {
    OutputStream stream();

    /**
     * @return the artifact's location, e.g. {@code file:///tmp/out/artifacts.zip} or {@code
     *     arn:aws:s3:::bucket/path/name.zip}
     * @throws IOException when the artifact cannot be stored (a missing bucket, no access): the
     *     build's UPLOAD_ARTIFACTS fails with CLIENT_ERROR and this message
     */
    String commit() throws IOException;

    void abort();
  }

  /**
   * Starts writing an artifact (a zip).
   *
   * @param build the build the artifact is of (S3 keys and metadata name it)
   * @param identifier null for the primary artifact, else the secondary artifact's identifier
   * @param name the artifact's name ({@code artifacts.name} evaluated), or null when none is set
   */
  Upload open(BuildIdentity build, @Nullable String identifier, @Nullable String name)
      throws IOException;
}
