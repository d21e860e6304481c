package dev.localbuild.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.log.LogLine;
import dev.localbuild.runtime.model.BuildRecord;
import dev.localbuild.runtime.model.StatusType;
import dev.localbuild.runtime.sandbox.Sandbox;
import dev.localbuild.runtime.shell.ShellClosedException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a debugger may hold the build: a codebuild-breakpoint, and a failed command. */
class DebugPausesTest {
  @TempDir Path root;
  final List<String> pauses = new CopyOnWriteArrayList<>();

  BuildHooks recording() {
    return new BuildHooks() {
      @Override
      public void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log) {
        pauses.add("breakpoint in " + sandbox.sourceDir().isEmpty());
      }

      @Override
      public void commandFailed(
          Sandbox sandbox, String command, int exitStatus, Consumer<String> log) {
        pauses.add("failed " + command + " " + exitStatus);
      }
    };
  }

  @Test
  void aBreakpointIsNotAProgramAndTheHookHoldsTheBuildThere() throws Exception {
    EngineHarness h = new EngineHarness(root);
    h.hooks = recording();
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo before
                  - codebuild-breakpoint
                  - echo after
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    assertThat(pauses).containsExactly("breakpoint in false");
    List<String> text = h.log.stream().map(LogLine::text).toList();
    assertThat(text).anyMatch(l -> l.endsWith("Running command codebuild-breakpoint"));
    assertThat(text).noneMatch(l -> l.contains("not found"));
    assertThat(text.indexOf("after")).isGreaterThan(text.indexOf("before"));
  }

  @Test
  void aFailedCommandIsHeldBeforeItsPhaseEndsAndTheBuildThenEndsAsItWould() throws Exception {
    EngineHarness h = new EngineHarness(root);
    h.hooks = recording();
    BuildRecord r =
        h.run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - echo one
                  - exit 7
                  - echo never
                finally:
                  - echo cleanup
            """);
    assertThat(r.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(pauses).containsExactly("failed exit 7 7");
    assertThat(h.log.stream().map(LogLine::text).toList())
        .contains("cleanup")
        .doesNotContain("never");
  }

  @Test
  void theShellLentAtABreakpointRunsCommandsAsTheBuildsOwnWithTheirOutputAndExitStatus()
      throws Exception {
    EngineHarness h = new EngineHarness(root);
    List<String> got = new CopyOnWriteArrayList<>();
    h.hooks =
        new BuildHooks() {
          @Override
          public void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log)
              throws InterruptedException {
            try {
              for (String c :
                  List.of(
                      "export GREETING=hello; mkdir -p sub; cd sub",
                      "echo $GREETING $CODEBUILD_BUILD_SUCCEEDING $SECRET_ONE; echo oops >&2",
                      "basename $PWD; exit 3")) {
                List<String> lines = new CopyOnWriteArrayList<>();
                int rc = shell.run(c, l -> lines.add(l.stream() + ":" + l.text()));
                // the two streams come through two pipes: in order within each, not across them
                got.add(rc + " " + lines.stream().sorted().toList());
              }
              got.add("open " + shell.open());
            } catch (ShellClosedException e) {
              got.add("closed");
            }
          }
        };
    h.parameters.put("/demo/secret", "s3cr3t-value");
    BuildRecord r =
        h.run(
            """
            version: 0.2
            env:
              parameter-store:
                SECRET_ONE: /demo/secret
            phases:
              build:
                commands:
                  - codebuild-breakpoint
            """);
    assertThat(got)
        .containsExactly(
            "0 []", "0 [STDERR:oops, STDOUT:hello 1 ***]", "3 [STDOUT:sub]", "open true");
    // a failing lent command is the holder's business: the build goes on as it would have
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
    List<String> text = h.log.stream().map(LogLine::text).toList();
    assertThat(text)
        .anyMatch(l -> l.endsWith("Running command basename $PWD; exit 3"))
        .anyMatch(l ->
            l.endsWith("Command did not exit successfully basename $PWD; exit 3 exit status 3"))
        .noneMatch(l -> l.contains("s3cr3t-value"));
  }

  @Test
  void aSandboxThatDiesWhileHeldFailsItsPhaseInsteadOfGoingOn() throws Exception {
    EngineHarness h = new EngineHarness(root);
    h.hooks =
        new BuildHooks() {
          @Override
          public void breakpoint(Sandbox sandbox, BuildShell shell, Consumer<String> log) {
            sandbox.kill(); // as a container that ran out of memory while a person looked
          }
        };
    BuildRecord r =
        h.run(
            "version: 0.2\nphases:\n  build:\n    commands:\n      - codebuild-breakpoint\n"
                + "      - echo never\n");
    assertThat(r.buildStatus()).isEqualTo(StatusType.FAILED);
    assertThat(h.log.stream().map(LogLine::text).toList()).doesNotContain("never");
    assertThat(r.phases())
        .filteredOn(p -> p.type() == dev.localbuild.runtime.model.PhaseType.BUILD)
        .singleElement()
        .satisfies(p ->
            assertThat(p.contexts().getFirst().message()).startsWith("Build container found dead"));
  }

  @Test
  void withoutADebuggerNothingPauses() throws Exception {
    EngineHarness h = new EngineHarness(root);
    BuildRecord r =
        h.run("version: 0.2\nphases:\n  build:\n    commands:\n      - codebuild-breakpoint\n");
    assertThat(r.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
  }
}
