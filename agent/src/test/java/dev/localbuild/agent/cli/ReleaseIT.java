package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user installs it: unpacked anywhere, its launcher linked onto the PATH,
 * the manual page and the shell completion where the system looks for them.
 */
@Timeout(180)
class ReleaseIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result run(Path dir, Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    Path out = Files.createTempFile("release-out", ".txt");
    Path err = Files.createTempFile("release-err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  @Test
  void theArchiveInstallsALauncherAManualAndCompletion() throws Exception {
    Result made = run(ROOT, Map.of(), "bin/release", tmp.resolve("dist").toString());
    assertThat(made.exit()).as(made.err()).isZero();
    Path archive = Path.of(made.out().strip());
    assertThat(archive.getFileName().toString()).matches("localbuild-.+\\.tar\\.gz");

    Path opt = Files.createDirectories(tmp.resolve("opt"));
    assertThat(run(opt, Map.of(), "tar", "-xzf", archive.toString()).exit()).isZero();
    Path installed;
    try (var dirs = Files.list(opt)) {
      installed = dirs.findFirst().orElseThrow();
    }
    assertThat(installed.resolve("lib/localbuild.jar")).exists();

    // on the PATH through a symlink, from any directory
    Path path = Files.createDirectories(tmp.resolve("path"));
    Files.createSymbolicLink(path.resolve("localbuild"), installed.resolve("bin/localbuild"));
    Map<String, String> env =
        Map.of(
            "PATH",
            path + ":" + System.getenv("PATH"),
            "HOME",
            Files.createDirectories(tmp.resolve("home")).toString(),
            "JAVA_HOME",
            System.getProperty("java.home"));
    // a shell finds it on the PATH, as a user's would
    Result version = run(tmp, env, "sh", "-c", "localbuild --version");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("localbuild ");
    assertThat(version.err()).isEmpty();
    Result help = run(tmp, env, "sh", "-c", "localbuild run --help");
    assertThat(help.out()).contains("--include-untracked");

    // the manual: made from --help, every command in it
    String man = Files.readString(installed.resolve("share/man/man1/localbuild.1"));
    assertThat(man).startsWith(".TH LOCALBUILD 1 ");
    assertThat(man)
        .contains(".SH NAME\nlocalbuild \\- Runs AWS CodeBuild buildspec.yml files")
        .contains(".SS \"localbuild run\"", ".SS \"localbuild serve keys create\"")
        .contains("\\-\\-include\\-untracked")
        .doesNotContain("generate\\-completion");
    if (Files.isExecutable(Path.of("/usr/bin/groff"))) {
      Result rendered =
          run(
              tmp,
              Map.of(),
              "groff",
              "-man",
              "-Tutf8",
              "-ww",
              installed.resolve("share/man/man1/localbuild.1").toString());
      assertThat(rendered.exit()).isZero();
      assertThat(rendered.err()).as("groff's warnings").isEmpty();
    }

    // bash completion: what a user gets for `localbuild ru<TAB>` and `localbuild run --inc<TAB>`
    Path completion = installed.resolve("share/bash-completion/completions/localbuild");
    assertThat(complete(completion, env, "localbuild", "ru")).containsExactly("run");
    assertThat(complete(completion, env, "localbuild", "run", "--inc"))
        .containsExactly("--include-untracked");
    assertThat(complete(completion, env, "localbuild", "serve", "keys", "cr"))
        .containsExactly("create");
    assertThat(installed.resolve("share/zsh/localbuild-completion.zsh"))
        .hasSameTextualContentAs(completion);

    // on JDK 25+, the first runs made the ahead-of-time cache in the background; later ones use it
    if (Runtime.version().feature() >= 25) {
      Path aot = installed.resolve("lib/localbuild.aot");
      for (int i = 0; i < 1500 && !Files.exists(aot); i++) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertThat(aot).as("the ahead-of-time cache, made in the background").exists();
      Map<String, String> logged = new java.util.HashMap<>(env);
      logged.put("LOCALBUILD_JAVA_OPTS", "-Xlog:aot");
      Result used = run(tmp, logged, "sh", "-c", "localbuild --version");
      assertThat(used.out()).contains("Opened AOT cache " + aot);
      // the training left nothing but the cache
      for (int i = 0; i < 100 && Files.exists(installed.resolve("lib/localbuild.aot.lock")); i++) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      try (var files = Files.list(installed.resolve("lib"))) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .doesNotContain("localbuild.aot.lock", "localbuild.aot.tmp", "localbuild.aot.failed");
      }
    }
  }

  /** The words bash's completion offers for the last of {@code words}. */
  static List<String> complete(Path script, Map<String, String> env, String... words)
      throws Exception {
    StringBuilder w = new StringBuilder();
    for (String word : words) {
      w.append('\'').append(word).append("' ");
    }
    String program =
        "source '"
            + script
            + "'; COMP_WORDS=("
            + w
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
            + " _complete_localbuild; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Result r = run(Path.of("/"), env, "bash", "-c", program);
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> out = new ArrayList<>();
    r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }
}
