package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import org.junit.jupiter.api.Test;

/** A Ctrl-C while the container starts is a stopped build, not the engine's fault. */
class InterruptedProvisioningTest {
  @Test
  void anInterruptedEngineCallIsAnInterruptionWhereverItIsWrapped() {
    assertThat(DockerProvisioner.interruptedIo(new InterruptedIOException())).isTrue();
    assertThat(
            DockerProvisioner.interruptedIo(
                new RuntimeException("docker-java", new ClosedByInterruptException())))
        .isTrue();
    // a read that timed out is the engine's trouble, not a stop
    assertThat(DockerProvisioner.interruptedIo(new SocketTimeoutException("read timed out")))
        .isFalse();
    assertThat(DockerProvisioner.interruptedIo(new IOException("connection refused"))).isFalse();
  }
}
