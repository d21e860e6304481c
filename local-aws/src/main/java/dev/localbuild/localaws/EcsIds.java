package dev.localbuild.localaws;

import java.security.SecureRandom;
import java.util.HexFormat;

/** ECS's identifiers and ARNs. */
final class EcsIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String region;
  private final String account;

  EcsIds(String region, String account) {
    this.region = region;
    this.account = account;
  }

  String clusterArn(String cluster) {
    return "arn:aws:ecs:" + region + ":" + account + ":cluster/" + cluster;
  }

  String serviceArn(String cluster, String service) {
    return "arn:aws:ecs:" + region + ":" + account + ":service/" + cluster + "/" + service;
  }

  String taskDefinitionArn(String family, long revision) {
    return "arn:aws:ecs:" + region + ":" + account + ":task-definition/" + family + ":" + revision;
  }

  String taskArn(String cluster, String id) {
    return "arn:aws:ecs:" + region + ":" + account + ":task/" + cluster + "/" + id;
  }

  String containerArn(String cluster, String id) {
    return "arn:aws:ecs:" + region + ":" + account + ":container/" + cluster + "/" + id;
  }

  /** A task id: 32 hex digits. */
  static String taskId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A deployment id: {@code ecs-svc/} and 19 digits. */
  static String deploymentId() {
    return "ecs-svc/"
        + (1_000_000_000_000_000_000L
            + Math.floorMod(RANDOM.nextLong(), 8_000_000_000_000_000_000L));
  }

  /** The last part of an ARN or the name itself: the task id of a task ARN, a cluster name... */
  static String shortName(String arnOrName) {
    int slash = arnOrName.lastIndexOf('/');
    return slash < 0 ? arnOrName : arnOrName.substring(slash + 1);
  }
}
