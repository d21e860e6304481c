package dev.localbuild.server.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** Fleet names as projects and ARNs give them. */
public final class Fleets {
  private Fleets() {}

  /**
   * The fleet a project's builds run on ({@code environment.fleet.fleetArn}), by name; null when it
   * names none.
   */
  public static @Nullable String of(JsonNode project) {
    JsonNode arn = project.path("environment").path("fleet").path("fleetArn");
    return arn.isTextual() && !arn.asText().isBlank() ? name(arn.asText()) : null;
  }

  /**
   * A fleet's name from its ARN ({@code arn:aws:codebuild:REGION:ACCOUNT:fleet/NAME:ID}) or name.
   */
  public static String name(String arnOrName) {
    int at = arnOrName.indexOf(":fleet/");
    if (at < 0) {
      return arnOrName;
    }
    String rest = arnOrName.substring(at + ":fleet/".length());
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }
}
