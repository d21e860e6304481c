package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void eachSubcommandIsListedUnderItsOwnName() {
    Main.COMMANDS.forEach((name, type) ->
        assertThat(type.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name));
  }

  @Test
  void aSubcommandIsBuiltAloneButHelpAndTheManualSeeThemAll() {
    assertThat(Main.commandLine(new String[] {"run", "--help"}).getSubcommands())
        .containsOnlyKeys("run");
    assertThat(Main.commandLine(new String[] {"help", "run"}).getSubcommands())
        .containsKeys("run", "serve", "cache", "man");
    assertThat(Main.commandLine(new String[] {"man"}).getSubcommands()).containsKeys("run", "aws");
    assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands())
        .containsOnlyKeys(Main.COMMANDS.keySet());
  }

  @Test
  void theTopLevelHelpListsEveryCommandButTheHiddenOnes() {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new String[] {"--help"});
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString())
        .contains("  run ", "  image ", "  aws ", "  serve ", "  cache ")
        .doesNotContain("generate-completion");
  }
}
