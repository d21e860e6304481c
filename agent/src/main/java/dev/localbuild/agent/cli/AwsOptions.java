package dev.localbuild.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which AWS builds use: {@code run}'s and {@code serve}'s {@code -c}, {@code -p}, {@code
 * --aws-endpoint}.
 */
public final class AwsOptions {
  @Option(
      names = "-c",
      description =
          "Use your AWS account (the default credentials chain, or -p) instead of the local AWS:"
              + " for secrets, ECR, S3 (caches, artifacts) and run's --deploy. A build gets the"
              + " credentials from a credentials endpoint as in CodeBuild (never as keys in its"
              + " environment).")
  boolean awsConfig;

  @Option(
      names = {"-p", "--profile"},
      paramLabel = "PROFILE",
      description = "AWS profile to use with -c.")
  String profile;

  @Option(
      names = "--aws-endpoint",
      paramLabel = "[SERVICE=]URL",
      description =
          "With -c: send AWS calls to this endpoint instead of AWS's (LocalStack, a VPC endpoint,"
              + " the S3-compatible store a fleet shares); SERVICE=URL for one service (ecr, ecs,"
              + " s3, ssm, secretsmanager, sts); repeatable. The build gets them as"
              + " AWS_ENDPOINT_URL[_SERVICE].")
  List<String> awsEndpoints = new ArrayList<>();
}
