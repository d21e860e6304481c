package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StrayReaperTest {
  @Test
  void onlyDeadOwnersOfThisHostAreStrays() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    String host = Labels.hostname();
    assertThat(StrayReaper.stray(Map.of(Labels.OWNER, host + "/" + p.pid()))).isTrue();
    assertThat(StrayReaper.stray(Map.of(Labels.OWNER, host + "/" + ProcessHandle.current().pid())))
        .isFalse();
    assertThat(StrayReaper.stray(Map.of(Labels.OWNER, "other-host/" + p.pid()))).isFalse();
    assertThat(StrayReaper.stray(Map.of())).isFalse();
  }

  @Test
  void aLiveProcessWithTheOwnersPidButAnotherStartTimeIsNotTheOwner() {
    String host = Labels.hostname();
    ProcessHandle me = ProcessHandle.current();
    assertThat(StrayReaper.stray(Map.of(Labels.OWNER, Labels.owner()))).isFalse();
    // this process's pid, as a restarted container's pid 1 has its predecessor's
    assertThat(StrayReaper.stray(Map.of(Labels.OWNER, host + "/" + me.pid() + "@12345"))).isTrue();
    // a live process other than this one, with its own start time: still its owner's
    ProcessHandle parent = me.parent().orElseThrow();
    assertThat(
            StrayReaper.stray(
                Map.of(Labels.OWNER, host + "/" + parent.pid() + "@" + Labels.started(parent))))
        .isFalse();
  }
}
