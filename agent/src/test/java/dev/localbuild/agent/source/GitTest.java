package dev.localbuild.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
  @TempDir Path dir;

  @Test
  void outputAndErrorsAreReadApartAndAFailureSaysWhy() throws Exception {
    assertThat(Git.run(dir, Duration.ofSeconds(30), "init", "-q").ok()).isTrue();
    Git.Result branch = Git.run(dir, Duration.ofSeconds(30), "symbolic-ref", "HEAD");
    assertThat(branch.ok()).isTrue();
    assertThat(branch.text()).startsWith("refs/heads/").endsWith("\n");
    assertThat(branch.err()).isEmpty();
    Git.Result missing =
        Git.run(dir, Duration.ofSeconds(30), "rev-parse", "--verify", "nope^{commit}");
    assertThat(missing.ok()).isFalse();
    assertThat(missing.text()).isEmpty();
    assertThat(missing.why()).contains("fatal");
  }

  @Test
  void gitNeverPromptsForAPassword() throws Exception {
    // what git's own child processes see (a credential prompt among them)
    Git.Result env =
        Git.run(
            dir, Duration.ofSeconds(30), "-c", "alias.env=!printenv GIT_TERMINAL_PROMPT", "env");
    assertThat(env.text().strip()).isEqualTo("0");
  }
}
