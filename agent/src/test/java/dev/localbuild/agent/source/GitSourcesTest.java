package dev.localbuild.agent.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions come from strangers (a pull request's branch): git must never take one for an option.
 */
public class GitSourcesTest {
  @TempDir Path tmp;

  @Test
  void anOptionAsVersionIsRefusedAndRunsNothing() throws Exception {
    Path repo = repo();
    Path marker = tmp.resolve("pwned");
    GitSources git = new GitSources(tmp.resolve("cache"));
    assertThatThrownBy(() ->
            git.fetch(
                repo.toUri().toString(),
                "--upload-pack=touch " + marker + ";git-upload-pack",
                0,
                null,
                tmp.resolve("out")))
        .isInstanceOf(GitSources.GitException.class)
        .hasMessageContaining("starts with '-'");
    assertThat(marker).doesNotExist();
  }

  @Test
  void versionsWithControlCharactersAreRefused() {
    assertThatThrownBy(() -> GitSources.checkVersion("main\nx")).hasMessageContaining("control");
    assertThatThrownBy(() -> GitSources.checkVersion("a b")).hasMessageContaining("spaces");
  }

  @Test
  void theVersionAskedForIsTheOneCheckedOut() throws Exception {
    Path repo = repo();
    git(repo, "checkout", "-q", "-b", "feature");
    Files.writeString(repo.resolve("which.txt"), "feature\n");
    git(repo, "commit", "-q", "-am", "feature");
    git(repo, "checkout", "-q", "main");
    GitSources git = new GitSources(tmp.resolve("cache"));
    var f = git.fetch(repo.toUri().toString(), "feature", 0, null, tmp.resolve("out"));
    assertThat(f.dir().resolve("which.txt")).hasContent("feature");
    var d = git.fetch(repo.toUri().toString(), null, 0, null, tmp.resolve("out2"));
    assertThat(d.dir().resolve("which.txt")).hasContent("main");
  }

  Path repo() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("which.txt"), "main\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "main");
    return repo;
  }

  public static void git(Path dir, String... args) throws Exception {
    var cmd =
        new java.util.ArrayList<>(
            java.util.List.of(
                "git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }
}
