package dev.localbuild.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import dev.localbuild.agent.build.BuildLauncher;
import dev.localbuild.cache.VolumePool;
import dev.localbuild.localaws.LocalAwsServer;
import dev.localbuild.runtime.BuildEngine;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies, checked: {@code buildspec-runtime <- cache <- agent} and {@code
 * local-aws <- agent}, the runtime knowing nothing of Docker, Vert.x or AWS, the one build path
 * knowing nothing of the command line, and no package cycles anywhere.
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void load() {
    // each module's own classes (a directory or a jar), not a scan of the whole class path, and
    // libraries' classes only by name: the rules need no more, and loading them takes seconds
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(
                Stream.of(
                        BuildEngine.class,
                        VolumePool.class,
                        LocalAwsServer.class,
                        BuildLauncher.class)
                    .map(c -> Location.of(c.getProtectionDomain().getCodeSource().getLocation()))
                    .collect(Collectors.toSet()));
    assertThat(classes.contain(BuildEngine.class)).isTrue();
    assertThat(classes.contain(VolumePool.class)).isTrue();
    assertThat(classes.contain(BuildLauncher.class)).isTrue();
    assertThat(classes.contain(LocalAwsServer.class)).isTrue();
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.localbuild.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theRuntimeKnowsNothingOfDockerVertxOrAws() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.localbuild.runtime..", "dev.localbuild.buildspec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.github.dockerjava..", "io.vertx..", "software.amazon..")
        .check(classes);
  }

  @Test
  void modulesDependOneWay() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.localbuild.runtime..", "dev.localbuild.buildspec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.localbuild.cache..", "dev.localbuild.agent..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.localbuild.cache..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.localbuild.agent..")
        .check(classes);
  }

  @Test
  void theBuildPathKnowsNothingOfTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.localbuild.agent.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.localbuild.agent.cli..", "picocli..")
        .check(classes);
  }

  @Test
  void theServerIsAFrontEndOfTheOneBuildPath() {
    // the server drives builds through agent.build like the command line; the agent knows neither
    noClasses()
        .that()
        .resideInAPackage("dev.localbuild.agent..")
        .and()
        .resideOutsideOfPackage("dev.localbuild.agent.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.localbuild.server..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.localbuild.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.localbuild.agent.docker..",
            "dev.localbuild.agent.host..",
            "com.github.dockerjava..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLinePrints() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.localbuild.agent.build..", "dev.localbuild.runtime..", "dev.localbuild.server..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(classes);
  }

  @Test
  void theLocalAwsStandsApartFromTheAgent() {
    noClasses()
        .that()
        .resideInAPackage("dev.localbuild.localaws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.localbuild.agent.build..",
            "dev.localbuild.agent.cli..",
            "dev.localbuild.agent.docker..",
            "dev.localbuild.agent.record..",
            "dev.localbuild.runtime..")
        .check(classes);
  }
}
