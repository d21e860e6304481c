package dev.localbuild.buildspec.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture in {@code buildspec/invalid} is refused with the exact message, line and key path
 * in its sibling {@code .expected} file.
 */
class InvalidBuildspecTest {
  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path dir = Path.of(InvalidBuildspecTest.class.getResource("/buildspec/invalid").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".yml")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void refusesWithCodeBuildsMessage(Path fixture) throws IOException {
    Properties expected = new Properties();
    try (Reader r =
        Files.newBufferedReader(Path.of(fixture.toString().replace(".yml", ".expected")))) {
      expected.load(r);
    }
    BuildspecException e =
        catchThrowableOfType(BuildspecException.class, () -> BuildspecParser.parse(fixture));
    assertThat(e).as("%s must be refused", fixture.getFileName()).isNotNull();
    assertThat(e.contextMessage()).isEqualTo(expected.getProperty("message"));
    assertThat(e.line()).isEqualTo(Integer.parseInt(expected.getProperty("line")));
    assertThat(e.path()).isEqualTo(expected.getProperty("path"));
    assertThat(e.statusCode()).isEqualTo("YAML_FILE_ERROR");
    assertThat(e.getMessage()).startsWith(fixture.toString());
  }
}
