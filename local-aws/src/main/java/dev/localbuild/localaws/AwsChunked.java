package dev.localbuild.localaws;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code aws-chunked} content encoding the AWS SDKs use for uploads ({@code
 * x-amz-content-sha256: STREAMING-...}): {@code <hex size>[;chunk-signature=...]\r\n<bytes>\r\n}
 * chunks, a zero-size last chunk, then optional trailers (checksums) and an empty line. With {@code
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, each chunk's signature chains from the request's, and is
 * checked: a body altered after signing is refused. Trailer signatures are not checked (the
 * trailers are checksums the local AWS does not store).
 */
final class AwsChunked {
  private AwsChunked() {}

  static boolean applies(String contentSha256, String contentEncoding) {
    return (contentSha256 != null && contentSha256.startsWith("STREAMING-"))
        || (contentEncoding != null && contentEncoding.contains("aws-chunked"));
  }

  /**
   * What checks chunk signatures: the request's signing key, date, scope and signature (the seed).
   */
  record Signatures(byte[] signingKey, String amzDate, String scope, String seed) {
    private static final String EMPTY_SHA256 =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    String next(String previous, byte[] chunkSha256) {
      String toSign =
          "AWS4-HMAC-SHA256-PAYLOAD\n"
              + amzDate
              + "\n"
              + scope
              + "\n"
              + previous
              + "\n"
              + EMPTY_SHA256
              + "\n"
              + java.util.HexFormat.of().formatHex(chunkSha256);
      try {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(signingKey, "HmacSHA256"));
        return java.util.HexFormat.of()
            .formatHex(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A chunk whose signature is not the one its key makes. */
  static final class BadChunkSignature extends IOException {
    BadChunkSignature() {
      super("a chunk's signature does not match");
    }
  }

  /** Writes the decoded bytes of {@code in} to {@code out}, checking chunk signatures if given. */
  static void decode(Path in, Path out, @org.jspecify.annotations.Nullable Signatures sig)
      throws IOException {
    try (InputStream r = new BufferedInputStream(Files.newInputStream(in), 1 << 16);
        OutputStream w = Files.newOutputStream(out)) {
      decode(r, w, sig);
    }
  }

  static void decode(InputStream in, OutputStream out) throws IOException {
    decode(in, out, null);
  }

  static void decode(
      InputStream in, OutputStream out, @org.jspecify.annotations.Nullable Signatures sig)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    String previous = sig == null ? null : sig.seed();
    while (true) {
      String header = line(in);
      int semi = header.indexOf(';');
      long size = Long.parseLong((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
      java.security.MessageDigest sha = sha256();
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException("aws-chunked body ends inside a chunk");
        }
        out.write(buf, 0, n);
        sha.update(buf, 0, n);
        left -= n;
      }
      if (sig != null) {
        String claimed =
            semi < 0 ? "" : header.substring(semi + 1).replaceFirst("^chunk-signature=", "");
        String expected = sig.next(previous, sha.digest());
        if (!java.security.MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            claimed.getBytes(StandardCharsets.US_ASCII))) {
          throw new BadChunkSignature();
        }
        previous = expected;
      }
      if (size == 0) {
        return; // trailers follow; nothing of the object's content
      }
      if (!line(in).isEmpty()) {
        throw new IOException("aws-chunked chunk is longer than its size");
      }
    }
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("aws-chunked body ends inside a chunk header");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
