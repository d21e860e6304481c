package dev.localbuild.localaws;

import dev.localbuild.localaws.S3Store.S3Error;
import dev.localbuild.localaws.auth.SigV4Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

/**
 * An uploaded body, held to what was signed: aws-chunked bodies are decoded with each chunk's
 * signature checked, and a body whose hash was signed must have that hash. The signature covered
 * the headers only; this is what makes it cover the bytes too.
 */
final class S3Upload {
  private S3Upload() {}

  /**
   * The object's bytes: {@code raw} itself, or a new file decoded from it.
   *
   * @throws S3Error {@code SignatureDoesNotMatch} for an altered chunk, {@code
   *     XAmzContentSHA256Mismatch} for a body that is not the signed one
   */
  static Path signedBody(
      Path raw, SigV4Verifier.Signed signed, String contentEncoding, S3Store store)
      throws IOException {
    String claimed = signed.contentSha256();
    if (AwsChunked.applies(claimed, contentEncoding)) {
      Path body = store.incoming();
      boolean signedChunks = claimed.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
      try {
        AwsChunked.decode(
            raw,
            body,
            signedChunks
                ? new AwsChunked.Signatures(
                    signed.signingKey(), signed.amzDate(), signed.scope(), signed.signature())
                : null);
      } catch (AwsChunked.BadChunkSignature e) {
        Files.deleteIfExists(body);
        throw new S3Error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided."
                + " Check your key and signing method.",
            403,
            Map.of());
      }
      Files.delete(raw);
      return body;
    }
    if (claimed.matches("[0-9a-f]{64}") && !claimed.equals(sha256(raw))) {
      throw new S3Error(
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          400,
          Map.of("ClientComputedContentSHA256", claimed));
    }
    return raw;
  }

  static String sha256(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      var d = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
