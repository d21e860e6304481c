package dev.localbuild.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards connections made to an address of the test's choosing to another: how a process in a
 * network namespace reaches a service that listens on the host's loopback only.
 */
final class TcpForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private TcpForwarder(ServerSocket server) {
    this.server = server;
  }

  static TcpForwarder start(String listenOn, String toHost, int toPort) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(listenOn));
    TcpForwarder f = new TcpForwarder(s);
    Thread.ofVirtual()
        .start(() -> {
          while (!s.isClosed()) {
            try {
              Socket in = s.accept();
              Socket out = new Socket(toHost, toPort);
              f.open.add(in);
              f.open.add(out);
              pump(in, out);
              pump(out, in);
            } catch (IOException e) {
              // closed, or one connection failed: the others go on
            }
          }
        });
    return f;
  }

  private static void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(() -> {
          try (InputStream in = from.getInputStream();
              OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException e) {
            // one side closed
          } finally {
            try {
              from.close();
              to.close();
            } catch (IOException e) {
              // closed already
            }
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
