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

  /** The unmasked end of a cut line, per source, held until the line goes on. */
  private final java.util.Map<LogLine.Source, String> carry =
      new java.util.EnumMap<>(LogLine.Source.class);

  @Override
  public synchronized void accept(LogLine line) {
    List<String> current = secrets;
    String held = carry.remove(line.source());
    if (current.isEmpty() && held == null) {
      next.accept(line);
      return;
    }
    String text = held == null ? line.text() : held + line.text();
    if (line.continued()) {
      // a secret may straddle where the line was cut: hold back what could begin one
      int cut = safeCut(text, current);
      carry.put(line.source(), text.substring(cut));
      text = text.substring(0, cut);
    }
    next.accept(new LogLine(line.at(), line.source(), redact(text), line.continued()));
  }

  /**
   * Where a cut line may end so that no secret is split: at most the longest secret's length minus
   * one from the end, moved back to the start of any secret that would straddle it.
   */
  static int safeCut(String text, List<String> secrets) {
    int longest = secrets.stream().mapToInt(String::length).max().orElse(1);
    int cut = Math.max(0, text.length() - (longest - 1));
    boolean moved = true;
    while (moved) {
      moved = false;
      for (String s : secrets) {
        int from = Math.max(0, cut - s.length() + 1);
        int at = text.indexOf(s, from);
        if (at >= 0 && at < cut && at + s.length() > cut) {
          cut = at;
          moved = true;
        }
      }
    }
    return cut;
  }
}
