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
}
