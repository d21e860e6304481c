package dev.localbuild.runtime.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Hides secret values in log lines, as CodeBuild hides parameter-store and secrets-manager values
 * and AWS access keys: each occurrence becomes {@code ***}. Values shorter than {@link #MIN_LENGTH}
 * are not masked (masking {@code 1} or {@code true} everywhere would destroy the log and protect
 * nothing). Longer values are replaced first, so a secret containing another is masked whole.
 */
public final class Redactor implements LogSink {
  public static final String MASK = "***";
  public static final int MIN_LENGTH = 3;

  private final LogSink next;
  private volatile List<String> secrets = List.of();

  public Redactor(LogSink next) {
    this.next = next;
  }

  /** Adds values to hide from now on; thread-safe. */
  public synchronized void addSecrets(Iterable<String> values) {
    List<String> all = new ArrayList<>(secrets);
    for (String v : values) {
      if (v != null && v.length() >= MIN_LENGTH && !all.contains(v)) {
        all.add(v);
        // a multi-line secret (a PEM key) is masked line by line too: output arrives in lines,
        // and lines lose a trailing \r, so "token\r" (a value saved on Windows) must also be
        // masked as "token"; a bare \r splits a secret on a terminal and in the log alike
        for (String part : v.split("\r\n|\r|\n")) {
          String p = part.strip();
          if (p.length() >= MIN_LENGTH && !all.contains(p) && !p.equals(v)) {
            all.add(p);
          }
        }
      }
    }
    all.sort(Comparator.comparingInt(String::length).reversed());
    secrets = List.copyOf(all);
  }

  /** The text with every secret masked. */
  public String redact(String text) {
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  @Override
  public void accept(LogLine line) {
    List<String> current = secrets;
    if (current.isEmpty()) {
      next.accept(line);
      return;
    }
    next.accept(new LogLine(line.at(), line.source(), redact(line.text())));
  }
}
