package dev.localbuild.agent.localaws;

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
 * chunks, a zero-size last chunk, then optional trailers (checksums) and an empty line. Signatures
 * and trailers are not checked here: the local AWS trusts its callers.
 */
final class AwsChunked {
  private AwsChunked() {}

  static boolean applies(String contentSha256, String contentEncoding) {
    return (contentSha256 != null && contentSha256.startsWith("STREAMING-"))
        || (contentEncoding != null && contentEncoding.contains("aws-chunked"));
  }

  /** Writes the decoded bytes of {@code in} to {@code out}. */
  static void decode(Path in, Path out) throws IOException {
    try (InputStream r = new BufferedInputStream(Files.newInputStream(in), 1 << 16);
        OutputStream w = Files.newOutputStream(out)) {
      decode(r, w);
    }
  }

  static void decode(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (true) {
      String header = line(in);
      int semi = header.indexOf(';');
      long size = Long.parseLong((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
      if (size == 0) {
        return; // trailers follow; nothing of the object's content
      }
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException("aws-chunked body ends inside a chunk");
        }
        out.write(buf, 0, n);
        left -= n;
      }
      if (!line(in).isEmpty()) {
        throw new IOException("aws-chunked chunk is longer than its size");
      }
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
