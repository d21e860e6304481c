package dev.localbuild.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/** The task definition copy of CodePipeline's ECS action: named containers get the new images. */
class EcsDeployerTest {
  static final TaskDefinition TD =
      TaskDefinition.builder()
          .family("web-app")
          .revision(3)
          .containerDefinitions(
              ContainerDefinition.builder().name("web").image("repo/web:old").cpu(128).build(),
              ContainerDefinition.builder().name("log").image("repo/log:1").build())
          .build();

  @Test
  void namedContainersGetTheirNewImageTheOthersStayAsTheyAre() throws Exception {
    List<ContainerDefinition> out =
        EcsDeployer.replaceImages(
            TD, List.of(new ImageDefinitions.ImageDefinition("web", "repo/web:abc1234")));
    assertThat(out)
        .extracting(ContainerDefinition::image)
        .containsExactly("repo/web:abc1234", "repo/log:1");
    assertThat(out.get(0).cpu()).isEqualTo(128);
  }

  @Test
  void aNameTheTaskDefinitionDoesNotHaveFailsTheDeployWithItsContainers() {
    assertThatThrownBy(() ->
            EcsDeployer.replaceImages(
                TD, List.of(new ImageDefinitions.ImageDefinition("api", "repo/api:1"))))
        .hasMessage(
            "imagedefinitions.json names container api, which task definition web-app:3 does not"
                + " have (its containers: web, log)");
  }

  @Test
  void aStoppedTaskSaysWhatItsContainersExitedWith() {
    var task =
        software.amazon.awssdk.services.ecs.model.Task.builder()
            .containers(
                c -> c.name("web").exitCode(1),
                c -> c.name("sidecar").exitCode(137).reason("OutOfMemoryError: Container killed"),
                c -> c.name("pending"))
            .build();
    assertThat(EcsDeployer.exits(task))
        .isEqualTo(
            " (web: exit code 1; sidecar: exit code 137, OutOfMemoryError: Container killed)");
    assertThat(EcsDeployer.exits(software.amazon.awssdk.services.ecs.model.Task.builder().build()))
        .isEmpty();
  }

  @Test
  void timeoutsReadAsPeopleWriteThem() {
    assertThat(EcsDeployer.human(Duration.ofMinutes(60))).isEqualTo("1h");
    assertThat(EcsDeployer.human(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(EcsDeployer.human(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
