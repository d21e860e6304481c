package dev.localbuild.agent.project;

import java.util.Map;
import java.util.Optional;

/**
 * What a CodeBuild compute type gives a build here: memory and vCPUs as CodeBuild's API reference
 * lists them for {@code ProjectEnvironment.computeType} (BUILD_GENERAL1_SMALL "up to 4 GiB memory
 * and 2 vCPUs", ..., BUILD_LAMBDA_nGB "up to n GiB"), the disk CodeBuild's on-demand Linux hosts
 * have, and a process limit of localbuild's own: CodeBuild documents none, but a build host shared
 * by strangers' builds needs one, or a fork bomb takes the host down. The limit counts threads too
 * (the kernel's pids controller does), so it is set well above what a large JVM or Node build uses.
 *
 * @param memoryBytes the container's memory limit
 * @param vcpus CPUs, capped at this machine's when applied
 * @param diskBytes the writable space CodeBuild's host has for this type
 * @param pids the most processes and threads the build's container may have at once
 */
public record ComputeType(String name, long memoryBytes, int vcpus, long diskBytes, long pids) {
  private static final long GIB = 1024L * 1024 * 1024;
  private static final long GB = 1000L * 1000 * 1000;

  private static final Map<String, ComputeType> KNOWN =
      Map.ofEntries(
          general("BUILD_GENERAL1_SMALL", 4, 2, 64, 4096),
          general("BUILD_GENERAL1_MEDIUM", 8, 4, 128, 8192),
          general("BUILD_GENERAL1_LARGE", 16, 8, 128, 16384),
          general("BUILD_GENERAL1_XLARGE", 72, 36, 256, 32768),
          general("BUILD_GENERAL1_2XLARGE", 144, 72, 824, 32768),
          lambda(1),
          lambda(2),
          lambda(4),
          lambda(8),
          lambda(10));

  /** The compute type of this name, if CodeBuild has one. */
  public static Optional<ComputeType> of(String name) {
    return Optional.ofNullable(KNOWN.get(name));
  }

  /** The names, for error messages. */
  public static String names() {
    return String.join(", ", new java.util.TreeSet<>(KNOWN.keySet()));
  }

  private static Map.Entry<String, ComputeType> general(
      String name, int memGib, int cpus, int diskGb, long pids) {
    return Map.entry(name, new ComputeType(name, memGib * GIB, cpus, diskGb * GB, pids));
  }

  /** Lambda compute: 10 GB of /tmp is all the disk a Lambda build has. */
  private static Map.Entry<String, ComputeType> lambda(int memGib) {
    String name = "BUILD_LAMBDA_" + memGib + "GB";
    return Map.entry(name, new ComputeType(name, memGib * GIB, 2, 10 * GB, 1024));
  }
}
