package dev.localbuild.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BuildNumbersTest {
  @TempDir Path tmp;

  @Test
  void numbersCountUpPerProject() {
    BuildNumbers numbers = new BuildNumbers(tmp);
    assertThat(numbers.next("a")).isEqualTo(1);
    assertThat(numbers.next("a")).isEqualTo(2);
    assertThat(numbers.next("b")).isEqualTo(1);
    assertThat(new BuildNumbers(tmp).next("a")).isEqualTo(3);
  }

  /** One agent, many builds of one project at once: every build gets its own number. */
  @Test
  @Timeout(30)
  void threadsOfOneAgentGetDistinctNumbers() throws Exception {
    int threads = 8;
    int each = 25;
    ConcurrentLinkedQueue<Long> got = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done =
          java.util.stream.IntStream.range(0, threads)
              .<Future<?>>mapToObj(i ->
                  pool.submit(() -> {
                    go.await();
                    BuildNumbers numbers = new BuildNumbers(tmp);
                    for (int n = 0; n < each; n++) {
                      got.add(numbers.next("busy"));
                    }
                    return null;
                  }))
              .toList();
      go.countDown();
      for (Future<?> f : done) {
        f.get(); // an OverlappingFileLockException would surface here
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(got)
        .containsExactlyInAnyOrderElementsOf(
            LongStream.rangeClosed(1, threads * each).boxed().toList());
  }
}
