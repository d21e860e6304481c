package dev.localbuild.agent.output;

import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.model.BuildIdentity;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * Artifacts as AWS's local agent leaves them: {@code artifacts.zip} for the primary artifact and
 * {@code <identifier>.zip} for each secondary one, in the {@code -a} directory. A zip appears only
 * once complete (written aside, then moved).
 */
public final class DirectoryArtifactStore implements ArtifactStore {
  private final Path dir;

  public DirectoryArtifactStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Upload open(BuildIdentity build, @Nullable String identifier, @Nullable String name)
      throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve((identifier == null ? "artifacts" : identifier) + ".zip");
    Path tmp = Files.createTempFile(dir, ".upload-", ".zip");
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
    return new Upload() {
      @Override
      public OutputStream stream() {
        return out;
      }

      @Override
      public String commit() throws IOException {
        out.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        return target.toUri().toString();
      }

      @Override
      public void abort() {
        try {
          out.close();
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a stray temporary file in the output directory is harmless
        }
      }
    };
  }
}
