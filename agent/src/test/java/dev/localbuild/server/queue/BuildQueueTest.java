package dev.localbuild.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildQueueTest {
  @Test
  void aBusyProjectDoesNotStarveAnother() {
    BuildQueue<String> q = new BuildQueue<>();
    for (int i = 1; i <= 5; i++) {
      q.add("busy", "busy-" + i);
    }
    q.add("quiet", "quiet-1");
    q.add("other", "other-1");
    List<String> order = new ArrayList<>();
    q.poll().ifPresent(order::add);
    q.poll().ifPresent(order::add);
    q.poll().ifPresent(order::add);
    q.poll().ifPresent(order::add);
    assertThat(order).containsExactly("busy-1", "quiet-1", "other-1", "busy-2");
    assertThat(q.size()).isEqualTo(3);
  }

  @Test
  void aWaitingBuildCanBeRemovedAndEachProjectKeepsItsOrder() {
    BuildQueue<String> q = new BuildQueue<>();
    q.add("a", "a-1");
    q.add("a", "a-2");
    q.add("a", "a-3");
    assertThat(q.remove("a-2"::equals)).isTrue();
    assertThat(q.remove("a-2"::equals)).isFalse();
    assertThat(q.poll()).contains("a-1");
    assertThat(q.poll()).contains("a-3");
    assertThat(q.poll()).isEmpty();
  }
}
