package dev.localbuild.agent.aws;

import dev.localbuild.cache.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 cache's store: archives under {@code s3://bucket/prefix/}, as a project's {@code cache}
 * with type S3 and location {@code bucket[/prefix]} asks. S3 errors become IOExceptions with S3's
 * code and message, which the build log shows (a cache is best-effort: the build goes on).
 */
public final class S3BlobStore implements BlobStore {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * @param location {@code bucket} or {@code bucket/prefix}
   */
  public S3BlobStore(S3Client s3, String location) {
    this.s3 = s3;
    int slash = location.indexOf('/');
    this.bucket = slash < 0 ? location : location.substring(0, slash);
    String p = slash < 0 ? "" : location.substring(slash + 1).replaceAll("^/+|/+$", "");
    this.prefix = p.isEmpty() ? "" : p + "/";
  }

  @Override
  public Optional<InputStream> get(String key) throws IOException {
    try {
      return Optional.of(s3.getObject(b -> b.bucket(bucket).key(prefix + key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw io(e);
    }
  }

  @Override
  public void put(String key, InputStream content) throws IOException {
    // the SDK wants the length up front: archives are written to a file first anyway
    Path tmp = Files.createTempFile("localbuild-s3", ".blob");
    try {
      Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
      s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(tmp));
    } catch (SdkException e) {
      throw io(e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public List<Blob> list(String keyPrefix) throws IOException {
    List<Blob> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
        out.add(new Blob(o.key().substring(prefix.length()), o.size(), o.lastModified()));
      }
    } catch (SdkException e) {
      throw io(e);
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
    } catch (SdkException e) {
      throw io(e);
    }
  }

  private IOException io(SdkException e) {
    return new IOException("s3://" + bucket + "/" + prefix + ": " + AwsErrors.message(e), e);
  }
}
