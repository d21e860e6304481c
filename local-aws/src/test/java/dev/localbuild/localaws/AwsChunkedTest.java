package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SDKs' aws-chunked upload encoding, signed and unsigned, with trailers. */
class AwsChunkedTest {
  static String decode(String body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AwsChunked.decode(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void signedChunksWithTheirSignaturesDropped() throws Exception {
    String body =
        "5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n"
            + "0;chunk-signature=0123\r\n\r\n";
    assertThat(decode(body)).isEqualTo("hello world");
  }

  @Test
  void unsignedChunksWithAChecksumTrailer() throws Exception {
    String body = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    assertThat(decode(body)).isEqualTo("hello world");
  }

  @Test
  void aChunkCutShortIsAnError() {
    assertThatThrownBy(() -> decode("a\r\nhello")).isInstanceOf(EOFException.class);
  }

  @Test
  void itAppliesToStreamingPayloadsAndTheContentEncoding() {
    assertThat(AwsChunked.applies("STREAMING-UNSIGNED-PAYLOAD-TRAILER", null)).isTrue();
    assertThat(AwsChunked.applies(null, "aws-chunked")).isTrue();
    assertThat(AwsChunked.applies("UNSIGNED-PAYLOAD", null)).isFalse();
    assertThat(AwsChunked.applies(null, null)).isFalse();
  }
}
