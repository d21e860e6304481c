package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/localbuild} installed as a CLI is: a symlink in a directory on the PATH. An IT because
 * it starts the packaged jar (it needs no Docker).
 */
class LauncherIT {
  @TempDir Path tmp;

  @Test
  void theLauncherWorksThroughASymlinkOnThePath() throws Exception {
    Path launcher = Path.of("../bin/localbuild").toAbsolutePath().normalize();
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("localbuild"), launcher);
    ProcessBuilder pb =
        new ProcessBuilder("sh", "-c", "localbuild --version")
            .directory(tmp.toFile())
            .redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("localbuild ");
  }

  @Test
  void theLauncherFindsItsJarWhicheverWayItIsNamed() throws Exception {
    Path checkout = Path.of("..").toAbsolutePath().normalize();
    // as the README says it, from the checkout; from bin itself; by a path from elsewhere
    for (String[] way :
        new String[][] {
          {checkout.toString(), "bin/localbuild"},
          {checkout.resolve("bin").toString(), "./localbuild"},
          {tmp.toString(), checkout.resolve("bin/localbuild").toString()},
          {tmp.toString(), "sh " + checkout.resolve("bin/localbuild")},
        }) {
      ProcessBuilder pb =
          new ProcessBuilder("sh", "-c", way[1] + " --version")
              .directory(Path.of(way[0]).toFile())
              .redirectErrorStream(true);
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(way[1] + " in " + way[0] + ": " + out).isZero();
      assertThat(out).as(way[1]).startsWith("localbuild ");
    }
  }
}
