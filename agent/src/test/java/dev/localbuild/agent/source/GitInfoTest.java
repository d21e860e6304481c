package dev.localbuild.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads .git by hand; the fixtures are written the way git writes them. */
class GitInfoTest {
  @TempDir Path repo;
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  void git(String rel, String content) throws IOException {
    Path p = repo.resolve(".git").resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void looseRefAndOrigin() throws IOException {
    git("HEAD", "ref: refs/heads/main\n");
    git("refs/heads/main", SHA + "\n");
    git(
        "config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/o/r.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
    Files.createDirectories(repo.resolve("sub/dir"));
    assertThat(GitInfo.read(repo.resolve("sub/dir")))
        .contains(new GitInfo(SHA, "main", "https://github.com/o/r.git"));
  }

  @Test
  void packedRefsAndDetachedHead() throws IOException {
    git("HEAD", "ref: refs/heads/feature/x\n");
    git(
        "packed-refs",
        "# pack-refs with: peeled fully-peeled sorted\n" + SHA + " refs/heads/feature/x\n");
    assertThat(GitInfo.read(repo).orElseThrow().commit()).isEqualTo(SHA);
    git("HEAD", SHA + "\n");
    assertThat(GitInfo.read(repo)).contains(new GitInfo(SHA, null, null));
  }

  @Test
  void worktreeGitFile(@TempDir Path wt) throws IOException {
    git("HEAD", "ref: refs/heads/main\n");
    git("refs/heads/main", SHA + "\n");
    git("worktrees/wt/HEAD", "ref: refs/heads/main\n");
    git("worktrees/wt/commondir", "../..\n");
    Files.writeString(wt.resolve(".git"), "gitdir: " + repo.resolve(".git/worktrees/wt") + "\n");
    assertThat(GitInfo.read(wt).orElseThrow().commit()).isEqualTo(SHA);
  }

  @Test
  void notARepositoryOrNoCommitYet() throws IOException {
    assertThat(GitInfo.read(repo)).isEmpty();
    git("HEAD", "ref: refs/heads/main\n");
    assertThat(GitInfo.read(repo)).isEmpty();
  }
}
