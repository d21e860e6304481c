package dev.localbuild.buildspec;

/**
 * The buildspec's {@code proxy} section: whether artifact upload and logs may go through an
 * explicit proxy server.
 */
public record ProxySpec(boolean uploadArtifacts, boolean logs) {
  /** No {@code proxy} section: both {@code no}. */
  public static final ProxySpec NONE = new ProxySpec(false, false);
}
