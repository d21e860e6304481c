package dev.localbuild.agent.aws;

import dev.localbuild.cache.store.BlobStore;
import dev.localbuild.cache.store.BlobStoreContract;
import dev.localbuild.localaws.LocalAwsFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The S3 cache store keeps the BlobStore contract, through the SDK against the local S3. */
class S3BlobStoreIT extends BlobStoreContract {
  @TempDir static Path tmp;
  static LocalAwsFixture aws;
  static AwsClients clients;
  static final AtomicInteger n = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    aws = new LocalAwsFixture(tmp.resolve("aws"));
    clients =
        new AwsClients(
            AwsTarget.local(aws.server().port(), null, "us-east-1", "000000000000", aws.rootKey()));
    clients.s3().createBucket(b -> b.bucket("cache-bucket"));
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
    aws.close();
  }

  @Override
  protected BlobStore store() {
    // every test its own prefix in one bucket, as projects share a cache bucket
    return new S3BlobStore(clients.s3(), "cache-bucket/test-" + n.incrementAndGet());
  }
}
