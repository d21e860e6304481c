package dev.localbuild.runtime.shell;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The long-lived POSIX shell loop that runs every command of a build. The agent starts it once (as
 * the build container's main process, or as a local process for the host executor) and sends it
 * frames on its standard input; it answers on its standard output and error. Starting one shell per
 * command through it costs a fork, where a {@code docker exec} per command costs about 100 ms.
 *
 * <p>Frames, each line starting with the session's random token {@code T}:
 *
 * <pre>
 * T RUN seq shell user      then the script's lines, then "T END": writes the script to
 *                           DIR/script.sh and runs it with shell (as user, or root for "-"),
 *                           stdin from /dev/null; answers "T EXIT seq rc" on stdout and
 *                           "T EXIT seq" on stderr, so that both streams are known drained
 * T FILE seq name           then lines, then "T END": writes them to DIR/name; answers as RUN, rc 0
 * </pre>
 *
 * <p>Only shell builtins are used for the protocol, so any image with a {@code sh} works.
 */
public final class Supervisor {
  private Supervisor() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh session token: 128 random bits, so no command output can be mistaken for a frame. */
  public static String newToken() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return "LB" + HexFormat.of().formatHex(b);
  }

  /**
   * The supervisor script.
   *
   * @param token the session token
   * @param dir the directory for script.sh and the shell state (CodeBuild's /codebuild/output/tmp)
   * @param rootHome HOME for commands that run as root
   */
  public static String script(String token, String dir, String rootHome) {
    return """
    T=%s; D=%s; H=%s
    mkdir -p "$D" && chmod 1777 "$D"
    while IFS= read -r hdr; do
      case "$hdr" in "$T "*) ;; *) continue ;; esac
      set -f; set -- $hdr; set +f
      kind=$2; seq=$3
      if [ "$kind" = FILE ]; then out="$D/$4"; else out="$D/script.sh"; fi
      { while IFS= read -r l; do
          [ "$l" = "$T END" ] && break
          printf '%%s\\n' "$l"
        done; } > "$out"
      rc=0
      # the shell state is written by whichever user the next command runs as (run-as)
      [ "$kind" = FILE ] && chmod 0666 "$out"
      if [ "$kind" = RUN ]; then
        if [ "$5" = - ] || [ "$5" = root ]; then
          LB_HOME=$H "$4" "$D/script.sh" </dev/null
        else
          # the run-as user reads the script root wrote (a chmod costs a process: only here)
          chmod 0644 "$D/script.sh"
          sp=$(command -v "$4" || echo "$4")
          uh=$(while IFS=: read -r n x u g c h s; do [ "$n" = "$5" ] && echo "$h"; done </etc/passwd)
          su "$5" -s "$sp" -c "LB_HOME='${uh:-/}' exec '$sp' '$D/script.sh'" </dev/null
        fi
        rc=$?
      fi
      printf '%%s EXIT %%s %%s\\n' "$T" "$seq" "$rc"
      printf '%%s EXIT %%s\\n' "$T" "$seq" >&2
    done
    """
        .formatted(ShellQuote.quote(token), ShellQuote.quote(dir), ShellQuote.quote(rootHome));
  }
}
