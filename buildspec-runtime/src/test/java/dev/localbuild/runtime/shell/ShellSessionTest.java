package dev.localbuild.runtime.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command protocol and CodeBuild's shell semantics, on a local sh (no Docker). */
class ShellSessionTest {
  @TempDir Path tmp;
  final List<OutputLine> lines = new CopyOnWriteArrayList<>();
  LocalShell shell;
  Path dir;
  Path src;

  @BeforeEach
  void start() throws Exception {
    dir = tmp.resolve("shell");
    src = Files.createDirectories(tmp.resolve("src"));
    shell =
        LocalShell.start(
            dir, tmp, Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString()), lines::add);
    String initial =
        CommandScripts.initialState(
            Map.of("CODEBUILD_SRC_DIR", src.toString(), "GREETING", "it's \"quoted\" $NOT"),
            src.toString());
    shell.session().writeFile(CommandScripts.STATE, initial);
    shell.session().writeFile(CommandScripts.INITIAL_STATE, initial);
  }

  @AfterEach
  void stop() {
    shell.close();
  }

  int run(String command) throws Exception {
    return shell
        .session()
        .run("sh", null, CommandScripts.command(dir.toString(), command, true, true));
  }

  int run01(String command) throws Exception {
    return shell
        .session()
        .run("sh", null, CommandScripts.command(dir.toString(), command, true, false));
  }

  List<String> stdout() {
    return lines.stream()
        .filter(l -> l.stream() == OutputLine.Stream.STDOUT)
        .map(OutputLine::text)
        .toList();
  }

  @Test
  void returnsTheExitStatusAndStreamsBothStreams() throws Exception {
    assertThat(run("echo one; echo two >&2; exit 3")).isEqualTo(3);
    assertThat(lines)
        .containsExactlyInAnyOrder(
            new OutputLine(OutputLine.Stream.STDOUT, "one"),
            new OutputLine(OutputLine.Stream.STDERR, "two"));
  }

  @Test
  void startsInTheSourceDirectoryWithTheInitialVariablesLiteral() throws Exception {
    run("pwd; echo \"$GREETING\"");
    assertThat(stdout()).containsExactly(src.toString(), "it's \"quoted\" $NOT");
  }

  @Test
  void variablesAndDirectoryCarryOverBetweenCommands() throws Exception {
    Files.createDirectories(src.resolve("sub"));
    run("cd sub; PLAIN=one; export EXPORTED=two");
    run("pwd; echo $PLAIN $EXPORTED; sh -c 'echo child sees $PLAIN'");
    assertThat(stdout())
        .containsExactly(src.resolve("sub").toString(), "one two", "child sees one");
  }

  @Test
  void stateIsSavedEvenWhenTheCommandExits() throws Exception {
    assertThat(run("VERSION=1.2.3; exit 4")).isEqualTo(4);
    run("echo $VERSION");
    assertThat(stdout()).containsExactly("1.2.3");
  }

  @Test
  void shellOptionsAndFunctionsDoNotCarryOver() throws Exception {
    run("set -e; f() { echo f; }");
    assertThat(run("false; echo still running; f")).isEqualTo(127);
    assertThat(stdout()).containsExactly("still running");
  }

  @Test
  void aMultiLineCommandIsOneScriptJudgedByItsLastStatement() throws Exception {
    assertThat(run("false\necho after")).isZero();
    assertThat(run("echo a\nfalse")).isEqualTo(1);
  }

  @Test
  void theCommandIsOnLineFourOfScriptSh() throws Exception {
    run("nonexistent-command-xyz");
    assertThat(lines)
        .anySatisfy(l ->
            assertThat(l.text()).contains("script.sh: 4:").contains("nonexistent-command-xyz"));
  }

  @Test
  void backgroundProcessesSurviveTheirCommand() throws Exception {
    run("sleep 5 & echo $! > bg.pid");
    run("kill -0 $(cat bg.pid) && echo alive");
    assertThat(stdout()).containsExactly("alive");
  }

  @Test
  void aBackgroundProcessHoldingTheOutputDoesNotBlockTheCommand() throws Exception {
    long start = System.nanoTime();
    assertThat(run("(sleep 3; echo late) &")).isZero();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
  }

  @Test
  void version01RunsEachCommandInAFreshShell() throws Exception {
    Files.createDirectories(src.resolve("sub"));
    run01("cd sub; X=1");
    run01("pwd; echo x=$X");
    assertThat(stdout()).containsExactly(src.toString(), "x=");
  }

  @Test
  void commandsDoNotReadTheProtocolStream() throws Exception {
    assertThat(run("cat; read line; echo got:$line")).isZero();
    assertThat(run("echo next")).isZero();
    assertThat(stdout()).containsExactly("got:", "next");
  }

  @Test
  void outputWithoutTrailingNewlineIsKept() throws Exception {
    run("printf 'no newline'");
    run("printf 'err no newline' >&2");
    assertThat(lines)
        .contains(
            new OutputLine(OutputLine.Stream.STDOUT, "no newline"),
            new OutputLine(OutputLine.Stream.STDERR, "err no newline"));
  }

  @Test
  void captureReturnsOutputInsteadOfLoggingIt() throws Exception {
    run("TAG=v7");
    String out =
        shell
            .session()
            .capture(
                "sh", CommandScripts.expand(dir.toString(), "app-$TAG-$(echo x)", "\"quoted\""));
    assertThat(out.split("\0", -1)).startsWith("app-v7-x\n", "\"quoted\"\n");
    assertThat(lines).isEmpty();
  }

  @Test
  void succeedingFlagIsSetPerCommand() throws Exception {
    shell
        .session()
        .run(
            "sh",
            null,
            CommandScripts.command(
                dir.toString(), "echo $CODEBUILD_BUILD_SUCCEEDING", false, true));
    run("echo $CODEBUILD_BUILD_SUCCEEDING");
    assertThat(stdout()).containsExactly("0", "1");
  }

  @Test
  void bashArraysDoNotCarryOverAsInCodeBuild() throws Exception {
    int rc =
        shell
            .session()
            .run(
                "bash",
                null,
                CommandScripts.command(dir.toString(), "ARR=(a b); S=scalar", true, true));
    assertThat(rc).isZero();
    shell
        .session()
        .run(
            "bash",
            null,
            CommandScripts.command(dir.toString(), "echo \"[${ARR[1]}] $S\"", true, true));
    assertThat(stdout()).containsExactly("[] scalar");
  }

  @Test
  void aDeadShellFailsTheWaitingCommand() {
    assertThatThrownBy(() -> run("kill -9 $PPID; sleep 10"))
        .isInstanceOf(ShellClosedException.class);
  }

  @Test
  void longLinesAreSplitNotLost() throws Exception {
    run("head -c 200000 /dev/zero | tr '\\0' 'x'; echo");
    int total = stdout().stream().mapToInt(String::length).sum();
    assertThat(total).isEqualTo(200000);
  }
}
