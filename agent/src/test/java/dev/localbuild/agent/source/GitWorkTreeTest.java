package dev.localbuild.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.runtime.sandbox.SourceFiles;
import dev.localbuild.runtime.sandbox.TreeCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the git binary, on a repository made here: what a build of a work tree gets. */
class GitWorkTreeTest {
  @TempDir Path repo;
  @TempDir Path copy;

  void git(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t"));
    cmd.addAll(List.of("-c", "user.email=t@t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  void write(String rel, String text) throws Exception {
    Files.createDirectories(repo.resolve(rel).getParent());
    Files.writeString(repo.resolve(rel), text);
  }

  List<String> copied(SourceFiles files) throws Exception {
    TreeCopy.copy(repo, copy, files);
    try (Stream<Path> s = Files.walk(copy)) {
      return s.filter(Files::isRegularFile)
          .map(p -> TreeCopy.rel(copy, p))
          .filter(p -> !p.startsWith(".git/"))
          .sorted()
          .toList();
    }
  }

  void commit() throws Exception {
    git("init", "-q", "-b", "main");
    write(".gitignore", "*.log\nbuild/\n");
    write("src/a.txt", "a\n");
    write("buildspec.yml", "version: 0.2\n");
    git("add", ".");
    git("commit", "-q", "-m", "first");
  }

  @Test
  void aCleanTreeGivesItsTrackedFilesAndItsGitDirectory() throws Exception {
    commit();
    write("build/out.bin", "ignored\n");
    write("debug.log", "ignored\n");
    GitWorkTree t = GitWorkTree.read(repo, false, "buildspec.yml").orElseThrow();
    assertThat(t.dirty()).isFalse();
    assertThat(t.untrackedLeftOut()).isZero();
    assertThat(copied(t.files())).containsExactly(".gitignore", "buildspec.yml", "src/a.txt");
    assertThat(copy.resolve(".git/HEAD")).exists();
    assertThat(copy.resolve("build")).doesNotExist();
  }

  @Test
  void changesToTrackedFilesAreCopiedAndMakeItDirtyUntrackedFilesAreLeftOut() throws Exception {
    commit();
    write("src/a.txt", "changed\n");
    write("notes.txt", "untracked\n");
    write("src/new/b.txt", "untracked\n");
    GitWorkTree t = GitWorkTree.read(repo, false, "buildspec.yml").orElseThrow();
    assertThat(t.dirty()).isTrue();
    assertThat(t.untrackedLeftOut()).isEqualTo(2);
    assertThat(copied(t.files())).containsExactly(".gitignore", "buildspec.yml", "src/a.txt");
    assertThat(copy.resolve("src/a.txt")).hasContent("changed");
  }

  @Test
  void includeUntrackedAddsUntrackedFilesButNeverIgnoredOnes() throws Exception {
    commit();
    write("notes.txt", "untracked\n");
    write("src/new/b.txt", "untracked\n");
    write("debug.log", "ignored\n");
    GitWorkTree t = GitWorkTree.read(repo, true, "buildspec.yml").orElseThrow();
    assertThat(t.dirty()).isTrue();
    assertThat(t.untrackedLeftOut()).isZero();
    assertThat(copied(t.files()))
        .containsExactly(".gitignore", "buildspec.yml", "notes.txt", "src/a.txt", "src/new/b.txt");
  }

  @Test
  void anUntrackedBuildspecIsCopiedAndSaid() throws Exception {
    commit();
    write("ci/buildspec.yml", "version: 0.2\n");
    GitWorkTree t = GitWorkTree.read(repo, false, "ci/buildspec.yml").orElseThrow();
    assertThat(t.buildspecUntracked()).isTrue();
    assertThat(t.untrackedLeftOut()).isZero();
    assertThat(copied(t.files())).contains("ci/buildspec.yml");
  }

  @Test
  void aSubdirectoryOfAWorkTreeGivesItsOwnTrackedFiles() throws Exception {
    commit();
    write("src/untracked.txt", "x\n");
    GitWorkTree t = GitWorkTree.read(repo.resolve("src"), false, null).orElseThrow();
    assertThat(t.files().copiesFile("a.txt")).isTrue();
    assertThat(t.files().copiesFile("untracked.txt")).isFalse();
    assertThat(t.untrackedLeftOut()).isEqualTo(1);
  }

  @Test
  void aDirectoryOutsideGitIsNotAWorkTree() throws Exception {
    write("a.txt", "a\n");
    assertThat(GitWorkTree.read(repo, false, null)).isEmpty();
  }
}
