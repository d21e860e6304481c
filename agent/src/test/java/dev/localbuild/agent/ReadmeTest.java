package dev.localbuild.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's two set-up commands stay true: CI runs the test command, the run command names a sample.
 */
class ReadmeTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static List<String> setUpCommands() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String section = readme.substring(readme.indexOf("## Set up"), readme.indexOf("## Use"));
    Matcher m = Pattern.compile("```sh\\n(.+?)\\n```").matcher(section);
    List<String> commands = new java.util.ArrayList<>();
    while (m.find()) {
      commands.add(m.group(1));
    }
    return commands;
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    List<String> commands = setUpCommands();
    assertThat(commands).hasSize(2);
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertThat(ci).contains("../shared/env/docker-up");
    assertThat(ci.lines().map(String::strip).toList()).contains(commands.get(1));
  }

  @Test
  void theRunCommandUsesASampleThatExists() throws IOException {
    Matcher m = Pattern.compile("-s (samples/[\\w-]+)").matcher(setUpCommands().get(0));
    assertThat(m.find()).isTrue();
    assertThat(ROOT.resolve(m.group(1)).resolve("buildspec.yml")).exists();
  }
}
