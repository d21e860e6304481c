package dev.localbuild.agent.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own, joined to this host by a veth pair on a /30 of its own: a
 * process run in it reaches the host only at {@link #hostAddress}, and {@link #cut} takes the link
 * down as a network partition would. Needs root and iproute2 ({@code .ci/run} installs it).
 */
final class NetNamespace implements AutoCloseable {
  private final String name;
  private final String hostSide;
  private final String host;

  private NetNamespace(String name, String hostSide, String host) {
    this.name = name;
    this.hostSide = hostSide;
    this.host = host;
  }

  /**
   * @param name at most 14 characters: the interfaces are named after it
   */
  static NetNamespace create(String name) throws Exception {
    String hostSide = name + "h";
    String inside = name + "n";
    int net = ThreadLocalRandom.current().nextInt(0, 64) * 4;
    String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
    String host = subnet + (net + 1);
    String there = subnet + (net + 2);
    NetNamespace ns = new NetNamespace(name, hostSide, host);
    try {
      ip("netns", "add", name);
      ip("link", "add", hostSide, "type", "veth", "peer", "name", inside);
      ip("link", "set", inside, "netns", name);
      ip("addr", "add", host + "/30", "dev", hostSide);
      ip("link", "set", hostSide, "up");
      ip("netns", "exec", name, "ip", "addr", "add", there + "/30", "dev", inside);
      ip("netns", "exec", name, "ip", "link", "set", inside, "up");
      ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    } catch (Exception e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** The host's address on the link: what a process in the namespace can reach. */
  String hostAddress() {
    return host;
  }

  /** The command prefix that runs a command in the namespace (it execs the command). */
  List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /** The partition: the link goes down, packets either way are dropped. */
  void cut() throws Exception {
    ip("link", "set", hostSide, "down");
  }

  void restore() throws Exception {
    ip("link", "set", hostSide, "up");
  }

  private static void ip(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out.trim());
    }
  }

  @Override
  public void close() {
    try {
      ip("netns", "delete", name); // deleting it deletes the veth pair with it
    } catch (Exception e) {
      // not made, or gone already
    }
    try {
      ip("link", "delete", hostSide);
    } catch (Exception e) {
      // gone with the namespace
    }
  }
}
