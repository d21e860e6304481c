package dev.localbuild.agent.aws;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.artifact.ArtifactStore;
import dev.localbuild.runtime.model.BuildIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Artifacts to S3 as the project's {@code artifacts} and {@code secondaryArtifacts} say, with
 * {@code x-amz-meta-codebuild-buildarn} on every object. Every artifact is also kept on this
 * machine (the {@code -a} directory), where the deploy step and the user find it; artifacts whose
 * destination is not S3 stay only there.
 */
public final class S3ArtifactStore implements ArtifactStore {
  private final ArtifactStore local;
  private final Supplier<S3Client> s3;
  private final ProjectConfig.@Nullable Artifacts primary;
  private final Map<String, ProjectConfig.Artifacts> secondary;

  public S3ArtifactStore(
      ArtifactStore local,
      Supplier<S3Client> s3,
      ProjectConfig.@Nullable Artifacts primary,
      Map<String, ProjectConfig.Artifacts> secondary) {
    this.local = local;
    this.s3 = s3;
    this.primary = primary;
    this.secondary = secondary;
  }

  @Override
  public Upload open(BuildIdentity build, @Nullable String identifier, @Nullable String name)
      throws IOException {
    Upload kept = local.open(build, identifier, name);
    ProjectConfig.Artifacts dest = identifier == null ? primary : secondary.get(identifier);
    if (dest == null || !"S3".equals(dest.type())) {
      return kept;
    }
    S3ArtifactLocation where = S3ArtifactLocation.of(dest, build, name);
    return new Upload() {
      @Override
      public OutputStream stream() {
        return kept.stream();
      }

      @Override
      public String commit() throws IOException {
        Path zip = Path.of(URI.create(kept.commit()));
        try {
          upload(zip, where, build.buildArn());
        } catch (SdkException e) {
          throw new IOException(AwsErrors.message(e), e);
        }
        return where.arn();
      }

      @Override
      public void abort() {
        kept.abort();
      }
    };
  }

  private void upload(Path zip, S3ArtifactLocation where, String buildArn) throws IOException {
    Map<String, String> metadata = Map.of("codebuild-buildarn", buildArn);
    if (where.zip()) {
      s3.get()
          .putObject(
              b ->
                  b.bucket(where.bucket())
                      .key(where.key())
                      .contentType("application/zip")
                      .metadata(metadata),
              RequestBody.fromFile(zip));
      return;
    }
    try (ZipFile z = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String type = URLConnection.guessContentTypeFromName(e.getName());
        try (InputStream in = z.getInputStream(e)) {
          s3.get()
              .putObject(
                  b ->
                      b.bucket(where.bucket())
                          .key(where.fileKey(e.getName()))
                          .contentType(type == null ? "binary/octet-stream" : type)
                          .metadata(metadata),
                  RequestBody.fromInputStream(in, e.getSize()));
        }
      }
    }
  }
}
