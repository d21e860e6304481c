package dev.localbuild.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The server's own log on stderr: {@code localbuild: message} lines, or with {@code --log-format
 * json} one JSON object a line ({@code time}, {@code level}, {@code message}) for a log shipper.
 * Either way credentials that a message could carry are masked first: the password of a URL ({@code
 * https://user:token@host}) and the value after a secret-looking name ({@code secretAccessKey},
 * {@code password}, {@code token}, {@code secret}).
 */
final class ServerLog implements Consumer<String> {
  static final String MASK = "***";
  private static final Pattern URL_PASSWORD =
      Pattern.compile("(?<=[a-z][a-z0-9+.-]{0,20}://[^/@\\s:]{1,200}:)[^/@\\s]+(?=@)");
  private static final Pattern NAMED_SECRET =
      Pattern.compile(
          "(?i)((?:secret[_-]?access[_-]?key|secret|password|passwd|token|authorization)"
              + "\"?\\s*[:=]\\s*\"?)(?!\\*\\*\\*)[^\\s\",}]+");

  private final PrintStream err;
  private final boolean json;
  private final Clock clock;

  ServerLog(PrintStream err, boolean json, Clock clock) {
    this.err = err;
    this.json = json;
    this.clock = clock;
  }

  /** A message with what looks like a credential masked. */
  static String masked(String message) {
    String m = URL_PASSWORD.matcher(message).replaceAll(MASK);
    return NAMED_SECRET.matcher(m).replaceAll("$1" + MASK);
  }

  @Override
  public void accept(String message) {
    String m = masked(message);
    if (!json) {
      err.println("localbuild: " + m);
      return;
    }
    ObjectNode line = RecordJson.MAPPER.createObjectNode();
    line.put("time", clock.instant().toString());
    line.put("level", level(m));
    line.put("message", m);
    err.println(line);
  }

  /** {@code error} for internal errors, {@code warn} for what could not be done, else info. */
  static String level(String message) {
    if (message.contains("internal error")) {
      return "error";
    }
    return message.contains("cannot ") || message.contains("not reachable") ? "warn" : "info";
  }
}
