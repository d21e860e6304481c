package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The local S3 through the real AWS CLI v2 (high-level {@code s3} commands, which use multipart
 * uploads and ranged downloads for large files, and {@code s3api}) and through the AWS SDK for Java
 * v2 (aws-chunked uploads with checksum trailers), the two clients builds and localbuild use.
 */
class S3IT {
  @TempDir static Path tmp;
  static LocalAwsFixture aws;

  @BeforeAll
  static void start() throws Exception {
    aws = new LocalAwsFixture(tmp.resolve("aws"));
  }

  @AfterAll
  static void stop() throws Exception {
    aws.close();
  }

  static LocalAwsFixture.Cli ok(LocalAwsFixture.Cli r) {
    assertThat(r.exit()).as("%s%n%s", r.out(), r.err()).isZero();
    return r;
  }

  static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void theCliCopiesListsAndRemovesObjectsSmallAndMultipart() throws Exception {
    ok(aws.aws("s3", "mb", "s3://cli-bucket"));
    assertThat(ok(aws.aws("s3", "ls")).out()).contains("cli-bucket");
    Path small = Files.writeString(tmp.resolve("small.txt"), "hello s3\n");
    ok(aws.aws("s3", "cp", small.toString(), "s3://cli-bucket/dir/small.txt"));
    // 20 MiB: the CLI uploads it in 8 MiB parts and downloads it with ranged GETs
    Path big = tmp.resolve("big.bin");
    byte[] bytes = new byte[20 * 1024 * 1024];
    new Random(42).nextBytes(bytes);
    Files.write(big, bytes);
    ok(aws.aws("s3", "cp", big.toString(), "s3://cli-bucket/dir/sub/big.bin"));
    ok(aws.aws("s3", "cp", small.toString(), "s3://cli-bucket/top key+plus.txt"));

    String listing = ok(aws.aws("s3", "ls", "s3://cli-bucket/dir/")).out();
    assertThat(listing).contains("PRE sub/").contains("small.txt");
    String recursive = ok(aws.aws("s3", "ls", "--recursive", "s3://cli-bucket")).out();
    assertThat(recursive).contains("dir/sub/big.bin", "dir/small.txt", "top key+plus.txt");

    JsonNode head =
        ok(aws.aws("s3api", "head-object", "--bucket", "cli-bucket", "--key", "dir/sub/big.bin"))
            .json();
    assertThat(head.path("ContentLength").asLong()).isEqualTo(bytes.length);
    assertThat(head.path("ETag").asText()).endsWith("-3\""); // three parts: S3's multipart ETag

    Path back = tmp.resolve("back.bin");
    ok(aws.aws("s3", "cp", "s3://cli-bucket/dir/sub/big.bin", back.toString()));
    assertThat(sha256(back)).isEqualTo(sha256(big));
    Path plus = tmp.resolve("plus.txt");
    ok(aws.aws("s3", "cp", "s3://cli-bucket/top key+plus.txt", plus.toString()));
    assertThat(Files.readString(plus)).isEqualTo("hello s3\n");

    // pages of two: the CLI follows continuation tokens
    JsonNode paged =
        ok(aws.aws(
                "s3api",
                "list-objects-v2",
                "--bucket",
                "cli-bucket",
                "--page-size",
                "2",
                "--query",
                "Contents[].Key"))
            .json();
    assertThat(paged).hasSize(3);

    ok(aws.aws("s3", "rm", "--recursive", "s3://cli-bucket/dir/"));
    assertThat(ok(aws.aws("s3", "ls", "--recursive", "s3://cli-bucket")).out())
        .doesNotContain("dir/")
        .contains("top key+plus.txt");
    LocalAwsFixture.Cli notEmpty = aws.aws("s3", "rb", "s3://cli-bucket");
    assertThat(notEmpty.exit()).isNotZero();
    assertThat(notEmpty.err()).contains("BucketNotEmpty");
    ok(aws.aws("s3", "rb", "--force", "s3://cli-bucket"));
    assertThat(ok(aws.aws("s3", "ls")).out()).doesNotContain("cli-bucket");
  }

  @Test
  void s3apiKeepsMetadataAndReportsErrorsByCode() throws Exception {
    ok(aws.aws("s3api", "create-bucket", "--bucket", "api-bucket"));
    Path f = Files.writeString(tmp.resolve("m.txt"), "with metadata");
    ok(
        aws.aws(
            "s3api",
            "put-object",
            "--bucket",
            "api-bucket",
            "--key",
            "m.txt",
            "--body",
            f.toString(),
            "--content-type",
            "text/plain",
            "--metadata",
            "codebuild-buildarn=arn:aws:codebuild:us-east-1:000000000000:build/p:1"));
    JsonNode head =
        ok(aws.aws("s3api", "head-object", "--bucket", "api-bucket", "--key", "m.txt")).json();
    assertThat(head.path("ContentType").asText()).isEqualTo("text/plain");
    assertThat(head.path("Metadata").path("codebuild-buildarn").asText())
        .isEqualTo("arn:aws:codebuild:us-east-1:000000000000:build/p:1");
    ok(
        aws.aws(
            "s3api",
            "copy-object",
            "--bucket",
            "api-bucket",
            "--key",
            "copy.txt",
            "--copy-source",
            "api-bucket/m.txt"));
    assertThat(
            ok(aws.aws("s3api", "head-object", "--bucket", "api-bucket", "--key", "copy.txt"))
                .json()
                .path("Metadata")
                .path("codebuild-buildarn")
                .asText())
        .startsWith("arn:aws:codebuild:");

    LocalAwsFixture.Cli missing =
        aws.aws("s3api", "get-object", "--bucket", "api-bucket", "--key", "nope", "/dev/null");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("NoSuchKey");
    LocalAwsFixture.Cli noBucket = aws.aws("s3", "ls", "s3://no-such-bucket");
    assertThat(noBucket.err()).contains("NoSuchBucket");
    assertThat(aws.aws("s3api", "create-bucket", "--bucket", "Bad_Name").err())
        .contains("InvalidBucketName");
  }

  @Test
  void theJavaSdkPutsGetsAndListsWithChunkedUploads() throws Exception {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(aws.server().endpoint()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(aws.rootKey()))
            .build()) {
      s3.createBucket(b -> b.bucket("sdk-bucket"));
      byte[] content = new byte[3 * 1024 * 1024 + 17];
      new Random(7).nextBytes(content);
      s3.putObject(
          b -> b.bucket("sdk-bucket").key("cache/a.tgz").metadata(Map.of("k", "v")),
          RequestBody.fromBytes(content));
      var got = s3.getObjectAsBytes(b -> b.bucket("sdk-bucket").key("cache/a.tgz"));
      assertThat(got.asByteArray()).isEqualTo(content);
      assertThat(got.response().metadata()).containsEntry("k", "v");
      assertThat(
              s3.listObjectsV2(b -> b.bucket("sdk-bucket").prefix("cache/")).contents().stream()
                  .map(o -> o.key() + ":" + o.size()))
          .containsExactly("cache/a.tgz:" + content.length);
      s3.deleteObject(b -> b.bucket("sdk-bucket").key("cache/a.tgz"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> s3.headObject(b -> b.bucket("sdk-bucket").key("cache/a.tgz")))
          .isInstanceOf(NoSuchKeyException.class);
    }
  }
}
