package dev.localbuild.runtime.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Rebuilds lines from the chunks a stream arrives in (a line can span chunks, a chunk can hold many
 * lines), decoding each whole line as UTF-8 so that no character is split. A line longer than
 * {@link #MAX_LINE} is emitted in pieces so a stream without newlines cannot exhaust memory.
 */
final class LineSplitter {
  static final int MAX_LINE = 64 * 1024;

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /** Receives lines. */
  interface Sink {
    /**
     * @param terminated whether it ended with a newline
     * @param cut whether it is a piece of an over-long line that goes on in the next one
     */
    void line(String text, boolean terminated, boolean cut);
  }

  private final Sink sink;

  /** Bytes kept back when splitting an over-long line, so a frame marker is never cut in two. */
  private final int keep;

  LineSplitter(int keep, Sink sink) {
    this.keep = keep;
    this.sink = sink;
  }

  void accept(byte[] data, int off, int len) {
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (data[i] == '\n') {
        pending.write(data, start, i - start);
        emit(true);
        start = i + 1;
      }
    }
    pending.write(data, start, end - start);
    if (pending.size() > MAX_LINE) {
      byte[] all = pending.toByteArray();
      int cut = all.length - keep;
      // do not cut inside a UTF-8 sequence
      while (cut > 0 && (all[cut] & 0xC0) == 0x80) {
        cut--;
      }
      pending.reset();
      sink.line(new String(all, 0, cut, StandardCharsets.UTF_8), false, true);
      pending.write(all, cut, all.length - cut);
    }
  }

  /** Emits what is left as an unterminated line, if anything. */
  void flush() {
    if (pending.size() > 0) {
      emit(false);
    }
  }

  private void emit(boolean terminated) {
    byte[] b = pending.toByteArray();
    pending.reset();
    int n = b.length;
    if (terminated && n > 0 && b[n - 1] == '\r') {
      n--;
    }
    sink.line(new String(b, 0, n, StandardCharsets.UTF_8), terminated, false);
  }
}
