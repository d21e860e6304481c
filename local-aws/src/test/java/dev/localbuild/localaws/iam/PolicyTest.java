package dev.localbuild.localaws.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PolicyTest {
  static Policy policy(String json) throws Exception {
    return Policy.parse(new ObjectMapper().readTree(json), "role.json");
  }

  static final String PUSH_WITHOUT_PUT_IMAGE =
      """
      {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {"Effect": "Allow",
         "Action": ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
         "Resource": "arn:aws:ecr:us-east-1:000000000000:repository/web-*"}]}
      """;

  @Test
  void allowsWhatAStatementAllowsWithWildcards() throws Exception {
    Policy p = policy(PUSH_WITHOUT_PUT_IMAGE);
    assertThat(
            p.decide(
                "ecr:UploadLayerPart", "arn:aws:ecr:us-east-1:000000000000:repository/web-app"))
        .isEqualTo(Policy.Decision.ALLOW);
    // actions are case-insensitive, resources are not
    assertThat(
            p.decide(
                "ECR:uploadlayerpart", "arn:aws:ecr:us-east-1:000000000000:repository/web-app"))
        .isEqualTo(Policy.Decision.ALLOW);
    assertThat(
            p.decide(
                "ecr:UploadLayerPart", "arn:aws:ecr:us-east-1:000000000000:repository/WEB-app"))
        .isEqualTo(Policy.Decision.IMPLICIT_DENY);
  }

  @Test
  void whatNoStatementAllowsIsDeniedWithAwsMessage() throws Exception {
    Policy p = policy(PUSH_WITHOUT_PUT_IMAGE);
    String repo = "arn:aws:ecr:us-east-1:000000000000:repository/web-app";
    Policy.Decision d = p.decide("ecr:PutImage", repo);
    assertThat(d).isEqualTo(Policy.Decision.IMPLICIT_DENY);
    assertThat(
            Policy.deniedMessage(
                "arn:aws:sts::000000000000:assumed-role/cb/AWSCodeBuild-1",
                "ecr:PutImage",
                repo,
                d))
        .isEqualTo(
            "User: arn:aws:sts::000000000000:assumed-role/cb/AWSCodeBuild-1 is not authorized to"
                + " perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:000000000000:repository/web-app"
                + " because no identity-based policy allows the ecr:PutImage action");
  }

  @Test
  void anExplicitDenyWins() throws Exception {
    Policy p =
        policy(
            """
            {"Statement": [
              {"Effect": "Allow", "Action": "*", "Resource": "*"},
              {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}]}
            """);
    assertThat(p.decide("s3:GetObject", "arn:aws:s3:::b/k")).isEqualTo(Policy.Decision.ALLOW);
    assertThat(p.decide("secretsmanager:GetSecretValue", "arn:x"))
        .isEqualTo(Policy.Decision.EXPLICIT_DENY);
    assertThat(
            Policy.deniedMessage(
                "u", "secretsmanager:GetSecretValue", "arn:x", Policy.Decision.EXPLICIT_DENY))
        .endsWith("with an explicit deny in an identity-based policy");
  }

  @Test
  void notActionAndNotResource() throws Exception {
    Policy p =
        policy(
            """
            {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"}}
            """);
    assertThat(p.decide("s3:GetObject", "arn:aws:s3:::public/k")).isEqualTo(Policy.Decision.ALLOW);
    assertThat(p.decide("iam:CreateUser", "*")).isEqualTo(Policy.Decision.IMPLICIT_DENY);
    assertThat(p.decide("s3:GetObject", "arn:aws:s3:::secret/k"))
        .isEqualTo(Policy.Decision.IMPLICIT_DENY);
  }

  @Test
  void anAllowWithAConditionGrantsNothingHere() throws Exception {
    Policy p =
        policy(
            """
            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
              "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]}
            """);
    assertThat(p.decide("s3:GetObject", "arn:aws:s3:::b/k"))
        .isEqualTo(Policy.Decision.IMPLICIT_DENY);
  }

  @Test
  void aBrokenPolicySaysWhere() {
    assertThatThrownBy(() ->
            policy(
                "{\"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": \"*\"}]}"))
        .hasMessage("role.json: Statement Effect must be Allow or Deny, not 'Permit'");
  }
}
