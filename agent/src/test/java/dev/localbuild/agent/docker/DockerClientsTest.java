package dev.localbuild.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import org.junit.jupiter.api.Test;

class DockerClientsTest {
  @Test
  void theUnixSocketsTlsContextWorksIfSomethingUsesItAfterAll() {
    var tls = DockerClients.noTls();
    assertThat(tls.getProtocol()).isEqualTo("TLS");
    // made on first use, with no keys and no trust: usable, trusting nobody
    assertThat(tls.createSSLEngine("localhost", 2376).getUseClientMode()).isFalse();
    assertThat(tls.getSocketFactory()).isNotNull();
    assertThat(tls.getClientSessionContext()).isNotNull();
  }

  @Test
  void anEngineOutOfReachIsToldApartFromItsAnswers() {
    assertThat(DockerClients.unreachable(new RuntimeException(new SocketException("refused"))))
        .isTrue();
    assertThat(DockerClients.unreachable(new RuntimeException("No such image"))).isFalse();
  }
}
