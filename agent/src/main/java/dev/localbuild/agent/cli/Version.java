package dev.localbuild.agent.cli;

import picocli.CommandLine;

/** The version printed by {@code --version}, from the jar's manifest. */
final class Version implements CommandLine.IVersionProvider {
  static String current() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"localbuild " + current(), "Java " + Runtime.version()};
  }
}
