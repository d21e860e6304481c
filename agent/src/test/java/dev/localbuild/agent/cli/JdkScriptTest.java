package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/jdk}: which Java localbuild and the README's commands run on. */
class JdkScriptTest {
  @TempDir Path tmp;

  /** A JDK as far as bin/jdk can tell: an executable bin/java and a release file. */
  Path jdk(String name, String version) throws Exception {
    Path home = Files.createDirectories(tmp.resolve(name).resolve("bin"));
    Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        home.getParent().resolve("release"),
        "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
    return home.getParent();
  }

  String jdkScript(Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("sh", Path.of("../bin/jdk").toAbsolutePath().normalize().toString())
            .redirectErrorStream(true);
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void javaHomeComesFirstWhenItIsJava21OrNewer() throws Exception {
    Path home = jdk("home", "25.0.3");
    Path onPath = jdk("path", "21.0.1");
    String path = onPath.resolve("bin") + ":/usr/bin:/bin";
    assertThat(jdkScript(Map.of("JAVA_HOME", home.toString(), "PATH", path)))
        .isEqualTo(home.toString());
  }

  @Test
  void anOlderJavaHomeGivesWayToTheJavaOnThePath() throws Exception {
    Path home = jdk("home", "17.0.2");
    Path onPath = jdk("path", "21.0.1");
    // the PATH's java is found through its symlinks, as /usr/bin/java is
    Path links = Files.createDirectories(tmp.resolve("links"));
    Files.createSymbolicLink(links.resolve("java"), onPath.resolve("bin/java"));
    String path = links + ":/usr/bin:/bin";
    assertThat(jdkScript(Map.of("JAVA_HOME", home.toString(), "PATH", path)))
        .isEqualTo(onPath.toString());
  }
}
