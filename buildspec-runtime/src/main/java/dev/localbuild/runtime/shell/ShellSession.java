package dev.localbuild.runtime.shell;

import dev.localbuild.runtime.shell.OutputLine.Stream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The agent's side of a {@link Supervisor}: sends it scripts and files, turns what it writes back
 * into lines, and finds the end of each command in the output. Transport-neutral: whoever started
 * the supervisor (a Docker attach, a local process) passes its output to {@link #accept} and tells
 * {@link #closed} when it ends.
 *
 * <p>Commands run one at a time. Output between commands (a background process still writing) goes
 * to the same line consumer as command output, as it does in CodeBuild's log.
 */
public final class ShellSession {
  private final String token;
  private final OutputStream input;
  private final Consumer<OutputLine> lines;
  private final LineSplitter stdout;
  private final LineSplitter stderr;

  /** One frame at a time; never held by the reader threads, so a full pipe cannot deadlock. */
  private final ReentrantLock sending = new ReentrantLock();

  /** Guards the fields below; held only briefly. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Condition changed = lock.newCondition();
  private long seq;
  private long stdoutDoneSeq = -1;
  private long stderrDoneSeq = -1;
  private int exitCode;
  private @Nullable String closedReason;
  private @Nullable Throwable closedCause;

  /** Written by the engine thread before a capture starts; appended to by the stdout reader. */
  private volatile @Nullable StringBuilder capture;

  /**
   * @param token the token the supervisor was started with
   * @param input the supervisor's standard input
   * @param lines receives every line of output
   */
  public ShellSession(String token, OutputStream input, Consumer<OutputLine> lines) {
    this.token = Objects.requireNonNull(token);
    this.input = Objects.requireNonNull(input);
    this.lines = Objects.requireNonNull(lines);
    int keep = token.length() + 40;
    this.stdout = new LineSplitter(keep, (text, nl, cut) -> onLine(Stream.STDOUT, text, nl, cut));
    this.stderr = new LineSplitter(keep, (text, nl, cut) -> onLine(Stream.STDERR, text, nl, cut));
  }

  /** Output from the supervisor; called by the transport's reader threads. */
  public void accept(Stream stream, byte[] data, int off, int len) {
    (stream == Stream.STDOUT ? stdout : stderr).accept(data, off, len);
  }

  /** The supervisor is gone; any command waiting fails with {@link ShellClosedException}. */
  public void closed(String reason, @Nullable Throwable cause) {
    stdout.flush();
    stderr.flush();
    lock.lock();
    try {
      if (closedReason == null) {
        closedReason = reason;
        closedCause = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the supervisor is gone (the sandbox was killed, or died). */
  public boolean isClosed() {
    lock.lock();
    try {
      return closedReason != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs a script in a new shell process and waits for it.
   *
   * @param shell the shell program, e.g. {@code sh} or {@code bash}
   * @param user the user to run as, or null for root
   * @param script the whole script file (see {@link CommandScripts})
   * @return the exit status: non-zero is a normal result
   * @throws ShellClosedException when the supervisor went away first
   */
  public int run(String shell, @Nullable String user, String script)
      throws InterruptedException, ShellClosedException {
    return send("RUN", shell + " " + (user == null || user.isBlank() ? "-" : user.trim()), script);
  }

  /** What an internal script printed on its standard output, and how it exited. */
  public record Captured(int exitCode, String stdout) {}

  /**
   * Runs an internal script whose standard output is returned instead of logged (evaluating an
   * artifact name, logging in to a registry). Standard error is still logged.
   */
  public Captured captureResult(String shell, String script)
      throws InterruptedException, ShellClosedException {
    sending.lockInterruptibly();
    try {
      StringBuilder out = new StringBuilder();
      capture = out;
      int rc = send("RUN", shell + " -", script);
      // the stdout reader appended every captured line before it handled the EXIT frame
      capture = null;
      return new Captured(rc, out.toString());
    } finally {
      capture = null;
      sending.unlock();
    }
  }

  /**
   * Like {@link #captureResult} for scripts that must succeed.
   *
   * @throws IllegalStateException when the script exits non-zero: localbuild's own script failed
   */
  public String capture(String shell, String script)
      throws InterruptedException, ShellClosedException {
    Captured c = captureResult(shell, script);
    if (c.exitCode() != 0) {
      throw new IllegalStateException(
          "localbuild's internal command failed with exit status "
              + c.exitCode()
              + ": "
              + script.strip());
    }
    return c.stdout();
  }

  /** Writes a file in the supervisor's directory (the shell state, for one). */
  public void writeFile(String name, String content)
      throws InterruptedException, ShellClosedException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("not a plain file name: " + name);
    }
    send("FILE", name, content);
  }

  private int send(String kind, String args, String body)
      throws InterruptedException, ShellClosedException {
    sending.lockInterruptibly();
    try {
      long n;
      lock.lock();
      try {
        if (closedReason != null) {
          throw closedException();
        }
        n = ++seq;
      } finally {
        lock.unlock();
      }
      StringBuilder frame = new StringBuilder(body.length() + 128);
      frame
          .append(token)
          .append(' ')
          .append(kind)
          .append(' ')
          .append(n)
          .append(' ')
          .append(args)
          .append('\n');
      frame.append(body);
      if (!body.isEmpty() && !body.endsWith("\n")) {
        frame.append('\n');
      }
      frame.append(token).append(" END\n");
      try {
        input.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        input.flush();
      } catch (IOException e) {
        closed("cannot write to the build shell: " + e.getMessage(), e);
      }
      lock.lockInterruptibly();
      try {
        while (stdoutDoneSeq < n || stderrDoneSeq < n) {
          if (closedReason != null) {
            throw closedException();
          }
          changed.await();
        }
        return exitCode;
      } finally {
        lock.unlock();
      }
    } finally {
      sending.unlock();
    }
  }

  private ShellClosedException closedException() {
    return closedCause == null
        ? new ShellClosedException(closedReason)
        : new ShellClosedException(closedReason, closedCause);
  }

  private void onLine(Stream stream, String text, boolean terminated, boolean cut) {
    int at = text.indexOf(token);
    Exit exit = at < 0 ? null : Exit.parse(text.substring(at + token.length()));
    if (exit == null) {
      deliver(stream, text, terminated, cut);
      return;
    }
    // output the command wrote without a final newline shares the marker's line; it goes first,
    // before the waiting command is released (a capture must see all of its output)
    if (at > 0) {
      deliver(stream, text.substring(0, at), false, false);
    }
    lock.lock();
    try {
      if (stream == Stream.STDOUT) {
        exitCode = exit.code();
        stdoutDoneSeq = exit.seq();
      } else {
        stderrDoneSeq = exit.seq();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The supervisor's " EXIT seq [rc]" marker. */
  private record Exit(long seq, int code) {
    static @Nullable Exit parse(String rest) {
      String[] words = rest.trim().split(" ");
      if (words.length < 2 || !words[0].equals("EXIT")) {
        return null;
      }
      try {
        return new Exit(
            Long.parseLong(words[1]), words.length > 2 ? Integer.parseInt(words[2]) : 0);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private void deliver(Stream stream, String text, boolean terminated, boolean cut) {
    StringBuilder c = capture;
    if (stream == Stream.STDOUT && c != null) {
      c.append(text);
      if (terminated) {
        c.append('\n');
      }
      return;
    }
    lines.accept(new OutputLine(stream, text, cut));
  }
}
