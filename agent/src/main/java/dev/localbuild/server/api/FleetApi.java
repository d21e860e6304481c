package dev.localbuild.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.localbuild.agent.record.RecordJson;
import dev.localbuild.server.error.ApiException;
import dev.localbuild.server.fleet.Fleets;
import dev.localbuild.server.store.AgentStore;
import dev.localbuild.server.store.ProjectStore;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * CodeBuild's fleet API. A fleet here is a name that agents join ({@code serve --fleet NAME}) and
 * projects name in {@code environment.fleet.fleetArn}; its builds run only on its agents. What
 * CreateFleet takes is kept and returned as given; the status and the desired capacity are the
 * agents': ACTIVE with the live agents in its message, and INSUFFICIENT_CAPACITY when none is.
 */
final class FleetApi {
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9\\-_]{1,127}";
  private final ProjectStore fleets;
  private final AgentStore agents;
  private final String arnPrefix;

  FleetApi(ProjectStore fleets, AgentStore agents, String region, String account) {
    this.fleets = fleets;
    this.agents = agents;
    this.arnPrefix = "arn:aws:codebuild:" + region + ":" + account + ":fleet/";
  }

  JsonNode call(String operation, ObjectNode in) throws ApiException, SQLException {
    return switch (operation) {
      case "CreateFleet" -> create(in);
      case "UpdateFleet" -> update(in);
      case "DeleteFleet" -> delete(in);
      case "BatchGetFleets" -> batchGet(in);
      case "ListFleets" -> list(in);
      default -> throw new IllegalArgumentException(operation);
    };
  }

  /** Whether a fleet of this name or ARN exists (a project may only name one that does). */
  boolean exists(String arnOrName) throws SQLException {
    return fleets.get(Fleets.name(arnOrName)).isPresent();
  }

  private JsonNode create(ObjectNode in) throws ApiException, SQLException {
    String name = CodeBuildApi.required(in, "name");
    if (!name.matches(NAME)) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + name
              + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression"
              + " pattern: "
              + NAME);
    }
    for (String member : List.of("baseCapacity", "environmentType", "computeType")) {
      CodeBuildApi.required(in, member);
    }
    capacity(in);
    ObjectNode body = in.deepCopy();
    String id = name + ":" + UUID.randomUUID();
    String now = Instant.now().toString();
    body.put("arn", arnPrefix + id);
    body.put("id", id);
    body.put("created", now);
    body.put("lastModified", now);
    if (!fleets.create(name, body)) {
      throw new ApiException(
          "ResourceAlreadyExistsException", "Fleet already exists: " + arnPrefix + name);
    }
    return answer("fleet", shown(body));
  }

  private JsonNode update(ObjectNode in) throws ApiException, SQLException {
    String name = Fleets.name(CodeBuildApi.required(in, "arn"));
    ObjectNode body =
        fleets
            .get(name)
            .orElseThrow(() -> ApiException.notFound("Fleet cannot be found: " + arnPrefix + name));
    capacity(in);
    in.properties()
        .forEach(e -> {
          if (!e.getKey().equals("arn")) {
            body.set(e.getKey(), e.getValue());
          }
        });
    body.put("lastModified", Instant.now().toString());
    fleets.update(name, body);
    return answer("fleet", shown(body));
  }

  private JsonNode delete(ObjectNode in) throws ApiException, SQLException {
    fleets.delete(Fleets.name(CodeBuildApi.required(in, "arn")));
    return RecordJson.MAPPER.createObjectNode();
  }

  private JsonNode batchGet(ObjectNode in) throws ApiException, SQLException {
    JsonNode names = in.get("names");
    if (names == null || !names.isArray() || names.isEmpty()) {
      throw ApiException.invalid("Fleet names cannot be empty");
    }
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    ArrayNode found = out.putArray("fleets");
    ArrayNode missing = out.putArray("fleetsNotFound");
    for (JsonNode n : names) {
      Optional<ObjectNode> f = fleets.get(Fleets.name(n.asText()));
      if (f.isPresent()) {
        found.add(shown(f.get()));
      } else {
        missing.add(n.asText());
      }
    }
    return out;
  }

  private JsonNode list(ObjectNode in) throws ApiException, SQLException {
    String sortBy = in.path("sortBy").asText("NAME");
    boolean descending = "DESCENDING".equals(in.path("sortOrder").asText("ASCENDING"));
    List<String> arns = new ArrayList<>();
    List<ObjectNode> all = new ArrayList<>();
    for (String name : fleets.names(!sortBy.equals("NAME"), false)) {
      fleets.get(name).ifPresent(all::add);
    }
    if (sortBy.equals("LAST_MODIFIED_TIME")) {
      all.sort(java.util.Comparator.comparing(f -> f.path("lastModified").asText()));
    }
    all.forEach(f -> arns.add(f.path("arn").asText()));
    if (descending) {
      java.util.Collections.reverse(arns);
    }
    return CodeBuildApi.page("fleets", arns, in);
  }

  /** The fleet as BatchGetFleets shows it: as created, with its agents' status and capacity. */
  private ObjectNode shown(ObjectNode body) throws SQLException {
    ObjectNode f = body.deepCopy();
    String name = f.path("name").asText();
    List<String> live = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (AgentStore.Agent a : agents.list(now)) {
      if (name.equals(a.fleet()) && a.status().equals("ACTIVE") && a.leaseUntil() >= now) {
        live.add(a.name() + " (" + a.capacity() + " slots, " + a.running() + " running)");
      }
    }
    ObjectNode status = f.putObject("status").put("statusCode", "ACTIVE");
    if (live.isEmpty()) {
      status
          .put("context", "INSUFFICIENT_CAPACITY")
          .put("message", "No agent has joined this fleet: start one with serve --fleet " + name);
    } else {
      status.put(
          "message",
          live.size() + (live.size() == 1 ? " agent: " : " agents: ") + String.join(", ", live));
    }
    ObjectNode scaling =
        f.get("scalingConfiguration") instanceof ObjectNode s
            ? s
            : f.putObject("scalingConfiguration");
    scaling.put("desiredCapacity", live.size());
    return f;
  }

  private static void capacity(ObjectNode in) throws ApiException {
    if (in.has("baseCapacity") && in.path("baseCapacity").asInt(0) < 1) {
      throw ApiException.invalid(
          "1 validation error detected: Value '"
              + in.path("baseCapacity").asText()
              + "' at 'baseCapacity' failed to satisfy constraint: Member must have value greater"
              + " than or equal to 1");
    }
  }

  private static ObjectNode answer(String member, JsonNode value) {
    ObjectNode out = RecordJson.MAPPER.createObjectNode();
    out.set(member, value);
    return out;
  }
}
