package dev.localbuild.agent.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Bytes written on one side are read on the other: the build shell's standard input for a Docker
 * attach. Unlike {@link java.io.PipedInputStream}, it does not break when the writing thread ends
 * (retries and stops write from other threads).
 */
final class StdinPipe extends InputStream {
  private static final byte[] EOF = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int pos;
  private volatile boolean closed;

  /** The writing side; {@code close()} ends the stream. */
  final OutputStream writer =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (closed) {
            throw new IOException("the build shell's input is closed");
          }
          byte[] copy = new byte[len];
          System.arraycopy(b, off, copy, 0, len);
          chunks.add(copy);
        }

        @Override
        public void close() {
          closed = true;
          chunks.add(EOF);
        }
      };

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos >= current.length) {
      if (current == EOF) {
        return -1;
      }
      try {
        current = chunks.take();
        pos = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (current == EOF) {
        chunks.add(EOF);
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
    chunks.add(EOF);
  }
}
