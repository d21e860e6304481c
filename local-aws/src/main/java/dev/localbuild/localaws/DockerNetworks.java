package dev.localbuild.localaws;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;

/** Where containers reach this machine: the default bridge network's gateway address. */
public final class DockerNetworks {
  private DockerNetworks() {}

  /** The gateway of Docker's default bridge ({@code 172.17.0.1} usually), or null. */
  public static String bridgeGateway(DockerClient docker) {
    try {
      Network bridge = docker.inspectNetworkCmd().withNetworkId("bridge").exec();
      for (Network.Ipam.Config c : bridge.getIpam().getConfig()) {
        if (c.getGateway() != null && !c.getGateway().contains(":")) {
          return c.getGateway();
        }
      }
      // the default bridge often lists no gateway: it is the bridge interface's own address
      String name =
          bridge.getOptions() == null
              ? null
              : bridge.getOptions().get("com.docker.network.bridge.name");
      var nic = java.net.NetworkInterface.getByName(name == null ? "docker0" : name);
      if (nic != null) {
        for (var a : java.util.Collections.list(nic.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
      // else the subnet's first address, Docker's choice for a gateway
      for (Network.Ipam.Config c : bridge.getIpam().getConfig()) {
        String subnet = c.getSubnet();
        if (subnet != null && subnet.matches("\\d+\\.\\d+\\.\\d+\\.0/\\d+")) {
          return subnet.substring(0, subnet.indexOf('/') - 1) + "1";
        }
      }
    } catch (RuntimeException | java.net.SocketException e) {
      // no bridge network (rootless, podman): containers use host networking instead
    }
    return null;
  }
}
