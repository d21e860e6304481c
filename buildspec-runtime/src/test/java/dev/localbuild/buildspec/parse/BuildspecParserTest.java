package dev.localbuild.buildspec.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.localbuild.buildspec.ArtifactsSpec;
import dev.localbuild.buildspec.BatchSpec;
import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.CacheSpec;
import dev.localbuild.buildspec.Command;
import dev.localbuild.buildspec.OnFailure;
import dev.localbuild.buildspec.Phase;
import dev.localbuild.buildspec.PhaseName;
import dev.localbuild.buildspec.ReportFormat;
import dev.localbuild.buildspec.SecretRef;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildspecParserTest {
  static Buildspec valid(String name) {
    try {
      return BuildspecParser.parse(
          Path.of(BuildspecParserTest.class.getResource("/buildspec/valid/" + name).toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsEveryKeyOfVersion02() {
    Buildspec b = valid("everything.yml");
    assertThat(b.version()).isEqualTo(Buildspec.Version.V0_2);
    assertThat(b.runAs()).isEqualTo("codebuild-user");
    assertThat(b.env().shell()).isEqualTo("bash");
    // values are literal: no expansion, YAML floats and booleans keep their text
    assertThat(b.env().variables())
        .containsExactly(
            Map.entry("JAVA_HOME", "/usr/lib/jvm/java-17-amazon-corretto"),
            Map.entry("PATH_LITERAL", "$PATH:/opt/tools"),
            Map.entry("PYTHON", "3.10"),
            Map.entry("ENABLED", "on"),
            Map.entry("EMPTY", ""));
    assertThat(b.env().parameterStore())
        .containsEntry("LOGIN_PASSWORD", "/CodeBuild/dockerLoginPassword");
    assertThat(b.env().secretsManager())
        .containsEntry("DOCKERHUB_USER", new SecretRef("dockerhub", "username", null, null))
        .containsEntry("WHOLE", new SecretRef("prod/db", null, null, null))
        .containsEntry("STAGED", new SecretRef("prod/db", "password", "AWSPREVIOUS", null))
        .containsEntry("VERSIONED", new SecretRef("prod/db", "password", null, "3f1a"))
        .containsEntry(
            "BY_ARN",
            new SecretRef(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                "password",
                null,
                null));
    assertThat(b.env().exportedVariables()).containsExactly("IMAGE_TAG", "BUILD_DATE");
    assertThat(b.env().gitCredentialHelper()).isTrue();
    assertThat(b.proxy().uploadArtifacts()).isTrue();
    assertThat(b.proxy().logs()).isFalse();

    Phase install = b.phase(PhaseName.INSTALL).orElseThrow();
    assertThat(install.runAs()).isEqualTo("root");
    assertThat(install.onFailure()).isEqualTo(OnFailure.ABORT);
    assertThat(install.runtimeVersions())
        .containsExactly(
            Map.entry("java", "corretto17"),
            Map.entry("python", "3.10"),
            Map.entry("nodejs", "$NODE_VERSION"));
    assertThat(install.finallyCommands())
        .extracting(Command::text)
        .containsExactly("echo install done");
    assertThat(b.runAsFor(PhaseName.INSTALL)).isEqualTo("root");
    assertThat(b.runAsFor(PhaseName.BUILD)).isEqualTo("codebuild-user");
    assertThat(b.phase(PhaseName.PRE_BUILD).orElseThrow().onFailure())
        .isEqualTo(OnFailure.CONTINUE);

    Phase build = b.phase(PhaseName.BUILD).orElseThrow();
    assertThat(build.onFailure())
        .isInstanceOfSatisfying(
            OnFailure.Retry.class,
            r -> {
              assertThat(r.retries()).isEqualTo(2);
              assertThat(
                      r.matches("Error while executing command: x. Reason: connection timed out"))
                  .isTrue();
              assertThat(r.matches("Error while executing command: x. Reason: exit status 1"))
                  .isFalse();
            });
    assertThat(build.commands())
        .extracting(Command::text)
        .containsExactly("echo build", "if [ -f Makefile ]; then\n  make\nfi\n");
    assertThat(build.commands()).extracting(Command::line).containsExactly(49, 50);

    assertThat(b.reports()).containsOnlyKeys("unit-tests", "coverage");
    var unit = b.reports().get("unit-tests");
    assertThat(unit.files()).containsExactly("**/TEST-*.xml");
    assertThat(unit.baseDirectory()).isEqualTo("target/surefire-reports");
    assertThat(unit.discardPaths()).isTrue();
    assertThat(unit.format()).isEqualTo(ReportFormat.JUNITXML);
    assertThat(b.reports().get("coverage").format().kind())
        .isEqualTo(ReportFormat.Kind.CODE_COVERAGE);

    ArtifactsSpec a = b.artifacts();
    assertThat(a.files()).containsExactly("target/app.jar", "config/**/*");
    assertThat(a.name()).isEqualTo("app-$(date +%Y-%m-%d)");
    assertThat(a.discardPaths()).isFalse();
    assertThat(a.baseDirectory()).isEqualTo("build");
    assertThat(a.excludePaths()).containsExactly("**/*.tmp");
    assertThat(a.enableSymlinks()).isTrue();
    assertThat(a.s3Prefix()).isEqualTo("releases");
    assertThat(a.secondary()).containsOnlyKeys("docs", "imagedefs");
    assertThat(a.secondary().get("docs").baseDirectory()).isEqualTo("docs/site");
    assertThat(a.secondary().get("imagedefs").files()).containsExactly("imagedefinitions.json");

    CacheSpec c = b.cache();
    assertThat(c.key()).isEqualTo("maven-$(codebuild-hash-files pom.xml)");
    assertThat(c.fallbackKeys()).containsExactly("maven-");
    assertThat(c.restores()).isTrue();
    assertThat(c.saves()).isFalse();
    assertThat(c.paths()).containsExactly("/root/.m2/**/*");
    assertThat(b.unknownKeys()).isEmpty();
  }

  @Test
  void version01UsesEnvironmentVariablesAndKnowsArtifactType() {
    Buildspec b = valid("v01.yml");
    assertThat(b.version()).isEqualTo(Buildspec.Version.V0_1);
    assertThat(b.version().carriesShellState()).isFalse();
    assertThat(b.env().variables()).containsExactly(Map.entry("GREETING", "hello"));
    assertThat(b.unknownKeys()).isEmpty();
  }

  @Test
  void unknownKeysAreCollectedBySectionAsCodeBuildWarns() {
    Buildspec b = valid("unknown-keys.yml");
    assertThat(b.unknownKeys())
        .containsExactly(
            Map.entry("buildspec", List.of("environment_variabls")),
            Map.entry("phases.build", List.of("runtime-versions")),
            Map.entry("artifacts", List.of("type", "discard_paths")));
    assertThat(b.warnings())
        .anySatisfy(w -> {
          assertThat(w.path()).isEqualTo("artifacts.discard_paths");
          assertThat(w.line()).isEqualTo(10);
        });
    // the build goes on: the rest is parsed
    assertThat(b.artifacts().files()).containsExactly("**/*");
  }

  @Test
  void phasesKeepTheOrderOfTheFile() {
    Buildspec b =
        BuildspecParser.parse(
            """
            version: 0.2
            phases:
              post_build:
                commands: [c]
              install:
                commands: [a]
            """,
            "inline");
    assertThat(b.phases().keySet()).containsExactly(PhaseName.POST_BUILD, PhaseName.INSTALL);
  }

  @Test
  void readsEveryRetryForm() {
    Buildspec b = valid("retry-forms.yml");
    var install = (OnFailure.Retry) b.phase(PhaseName.INSTALL).orElseThrow().onFailure();
    assertThat(install.retries()).isEqualTo(3);
    assertThat(install.matches("anything at all")).isTrue();
    var pre = (OnFailure.Retry) b.phase(PhaseName.PRE_BUILD).orElseThrow().onFailure();
    assertThat(pre.retries()).isEqualTo(8);
    var build = (OnFailure.Retry) b.phase(PhaseName.BUILD).orElseThrow().onFailure();
    assertThat(build.retries()).isEqualTo(3);
    assertThat(build.matches("Reason: connection timed out after 30s")).isTrue();
    var post = (OnFailure.Retry) b.phase(PhaseName.POST_BUILD).orElseThrow().onFailure();
    assertThat(post.retries()).isEqualTo(3);
    assertThat(post.matches("invalidddd")).isTrue();
    assertThat(post.matches("valid")).isFalse();
  }

  @Test
  void readsBatchMatrixAndGraph() {
    BatchSpec matrix = valid("batch-matrix.yml").batch();
    assertThat(matrix.fastFail()).isTrue();
    assertThat(matrix.buildMatrix().combinations()).isEqualTo(6);
    assertThat(matrix.buildMatrix().staticEnv().privilegedMode()).isTrue();
    assertThat(matrix.buildMatrix().variables().get("MY_VAR"))
        .containsExactly("VALUE1", "VALUE2", "VALUE3");

    BatchSpec graph = valid("batch-graph.yml").batch();
    assertThat(graph.buildGraph())
        .extracting(BatchSpec.Task::identifier)
        .containsExactly("build1", "build2", "build3");
    assertThat(graph.buildGraph().get(1).env().computeType()).isEqualTo("BUILD_GENERAL1_LARGE");
    assertThat(graph.buildGraph().get(1).env().privilegedMode()).isTrue();
    assertThat(graph.buildGraph().get(2).dependOn()).containsExactly("build1", "build2");
    assertThat(graph.buildGraph().get(2).debugSession()).isTrue();
  }

  @Test
  void aliasesAreResolved() {
    Buildspec b = valid("anchors.yml");
    assertThat(b.phase(PhaseName.BUILD).orElseThrow().commands())
        .extracting(Command::text)
        .containsExactly("echo shared");
  }

  @Test
  void nullAndScalarCommandsRunAsCodeBuildRunsThem() {
    Buildspec b = valid("odd-commands.yml");
    assertThat(b.phase(PhaseName.INSTALL).orElseThrow().commands()).isEmpty();
    assertThat(b.phase(PhaseName.PRE_BUILD).orElseThrow().commands())
        .extracting(Command::text)
        .containsExactly("echo one", "", "42", "true");
    assertThat(b.phase(PhaseName.BUILD).orElseThrow().commands())
        .extracting(Command::text)
        .containsExactly("echo a block scalar\necho is one command\n");
    assertThat(b.phase(PhaseName.POST_BUILD).orElseThrow().finallyCommands()).hasSize(1);
    assertThat(b.warnings())
        .extracting(w -> w.path())
        .contains("phases.pre_build.commands[1]", "phases.build.commands");
  }

  @Test
  void crlfLineEndingsParse() {
    Buildspec b =
        BuildspecParser.parse(
            "version: 0.2\r\nphases:\r\n  build:\r\n    commands:\r\n      - echo hi\r\n", "crlf");
    assertThat(b.phase(PhaseName.BUILD).orElseThrow().commands())
        .extracting(Command::text)
        .containsExactly("echo hi");
  }

  @Test
  void quotedVersionAndNoPhasesAreAccepted() {
    Buildspec b = BuildspecParser.parse("version: '0.2'\n", "inline");
    assertThat(b.version()).isEqualTo(Buildspec.Version.V0_2);
    assertThat(b.phases()).isEmpty();
  }

  @Test
  void missingFileIsCodeBuildsError() {
    assertThatThrownBy(() -> BuildspecParser.parse(Path.of("/nonexistent/buildspec.yml")))
        .isInstanceOfSatisfying(
            BuildspecException.class,
            e -> assertThat(e.contextMessage()).isEqualTo("YAML file does not exist"));
  }

  @Test
  void secretReferencesParseInBothDocumentedForms() {
    assertThat(SecretRef.parse("TestSecret:MY_SECRET_VAR"))
        .isEqualTo(new SecretRef("TestSecret", "MY_SECRET_VAR", null, null));
    assertThat(SecretRef.parse("s:k:AWSCURRENT"))
        .isEqualTo(new SecretRef("s", "k", "AWSCURRENT", null));
    assertThat(SecretRef.parse("s:k|AWSCURRENT"))
        .isEqualTo(new SecretRef("s", "k", "AWSCURRENT", null));
    assertThatThrownBy(() -> SecretRef.parse(":k")).hasMessageContaining("no secret id");
  }
}
