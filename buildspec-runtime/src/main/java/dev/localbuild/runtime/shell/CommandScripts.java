package dev.localbuild.runtime.shell;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The scripts the supervisor runs. CodeBuild writes each command to {@code
 * /codebuild/output/tmp/script.sh} with three lines in front that restore the shell's state, so the
 * user's command is on line 4 (shell errors read {@code script.sh: 4: ...}). These scripts keep
 * that shape:
 *
 * <ol>
 *   <li>restore the variables and working directory the previous command left;
 *   <li>set {@code CODEBUILD_BUILD_SUCCEEDING} and {@code HOME}, and turn on {@code set -a} so that
 *       every variable the command assigns is exported and therefore saved (as in CodeBuild, bash
 *       arrays are not: they cannot be exported);
 *   <li>on exit, whatever the exit path, save the variables and directory for the next command;
 *   <li>the command.
 * </ol>
 *
 * <p>Version 0.1 buildspecs run every command in a fresh shell: line 1 restores the build's initial
 * variables and directory only, and nothing is saved.
 */
public final class CommandScripts {
  private CommandScripts() {}

  /** The state file, in the supervisor's directory. */
  public static final String STATE = "env.sh";

  /** The build's initial state, kept for version 0.1's fresh shells. */
  public static final String INITIAL_STATE = "env0.sh";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * A command as script.sh.
   *
   * @param dir the supervisor's directory
   * @param command the command text, verbatim
   * @param succeeding the value of {@code CODEBUILD_BUILD_SUCCEEDING}
   * @param carryState whether the shell state carries over (buildspec 0.2)
   */
  public static String command(String dir, String command, boolean succeeding, boolean carryState) {
    String d = ShellQuote.quote(dir);
    String flag = succeeding ? "1" : "0";
    if (!carryState) {
      return ". "
          + d
          + "/"
          + INITIAL_STATE
          + "; cd \"$CODEBUILD_SRC_DIR\"\n"
          + "CODEBUILD_BUILD_SUCCEEDING="
          + flag
          + "; HOME=${LB_HOME:-$HOME}; unset LB_HOME\n"
          + ":\n"
          + command
          + "\n";
    }
    return ". "
        + d
        + "/"
        + STATE
        + "; cd \"$PWD\"\n"
        + "CODEBUILD_BUILD_SUCCEEDING="
        + flag
        + "; HOME=${LB_HOME:-$HOME}; unset LB_HOME; set -a\n"
        + "trap 'set -- $?; set +a; export PWD; export -p >"
        + d
        + "/"
        + STATE
        + "; exit $1' EXIT\n"
        + command
        + "\n";
  }

  /**
   * The initial state file: every variable exported, and the start directory.
   *
   * @throws IllegalArgumentException for a name the shell cannot hold
   */
  public static String initialState(Map<String, String> variables, String startDir) {
    StringBuilder b = new StringBuilder();
    variables.forEach((name, value) -> {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a valid environment variable name: " + name);
      }
      b.append("export ").append(name).append('=').append(ShellQuote.quote(value)).append('\n');
    });
    b.append("export PWD=").append(ShellQuote.quote(startDir)).append('\n');
    return b.toString();
  }

  /**
   * A script that prints each expression, expanded by the shell in the build's current state,
   * followed by a NUL: for {@code artifacts.name}, cache keys and the like, which CodeBuild
   * evaluates "with shell syntax". A here-document expands {@code $VAR} and {@code $(cmd)} without
   * any quoting trouble from quotes inside the expression.
   */
  public static String expand(String dir, String... expressions) {
    StringBuilder b =
        new StringBuilder(". " + ShellQuote.quote(dir) + "/" + STATE + "; cd \"$PWD\"\n");
    for (String e : expressions) {
      String delimiter = "LB_EOF_" + Integer.toHexString(e.hashCode() & 0x7fffffff);
      b.append("cat <<")
          .append(delimiter)
          .append('\n')
          .append(e)
          .append('\n')
          .append(delimiter)
          .append('\n');
      b.append("printf '\\0'\n");
    }
    return b.toString();
  }

  /** A script that prints the current value of each variable followed by a NUL. */
  public static String values(String dir, Iterable<String> names) {
    StringBuilder b = new StringBuilder(". " + ShellQuote.quote(dir) + "/" + STATE + "\n");
    for (String n : names) {
      if (NAME.matcher(n).matches()) {
        b.append("printf '%s\\0' \"${").append(n).append("-}\"\n");
      } else {
        b.append("printf '\\0'\n");
      }
    }
    return b.toString();
  }
}
