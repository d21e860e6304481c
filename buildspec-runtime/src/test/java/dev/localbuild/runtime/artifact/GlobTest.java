package dev.localbuild.runtime.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "'**/*', a.txt, true",
    "'**/*', dir/sub/a.txt, true",
    "'**/*', .hidden, true",
    "*, a.txt, true",
    "*, dir/a.txt, false",
    "'dist/**/*', dist/a.js, true",
    "'dist/**/*', dist/x/y/a.js, true",
    "'dist/**/*', other/a.js, false",
    "'**/TEST-*.xml', target/surefire-reports/TEST-a.xml, true",
    "'**/TEST-*.xml', TEST-a.xml, true",
    "'**/TEST-*.xml', target/TEST-a.txt, false",
    "target/app.jar, target/app.jar, true",
    "./target/app.jar, target/app.jar, true",
    "'target/*.jar', target/app.jar, true",
    "'target/*.jar', target/lib/dep.jar, false",
    "'?.txt', a.txt, true",
    "'?.txt', ab.txt, false",
    "'[ab].txt', b.txt, true",
    "'[!ab].txt', c.txt, true",
    "'[!ab].txt', a.txt, false",
    "'*.{js,css}', app.css, true",
    "'*.{js,css}', app.html, false",
    "'**/.*/**/*', src/.git/config, true",
    "'**/.*/**/*', src/git/config, false",
    "'out/**', out/a/b, true",
    "'my-build*', my-build-1, true",
    "'/root/.m2/**/*', /root/.m2/repository/x.jar, true",
  })
  void matchesAsCodeBuildDoes(String pattern, String path, boolean expected) {
    assertThat(Glob.of(pattern).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource({
    "'**/*', ''",
    "'target/surefire-reports/*.xml', target/surefire-reports",
    "target/app.jar, target/app.jar",
    "'dist/**/*', dist",
    "'/root/.m2/**/*', /root/.m2",
    "'*.jar', ''",
    "'/tmp/*', /tmp",
    "'/*', /",
  })
  void knowsWhereToStartWalking(String pattern, String prefix) {
    assertThat(Glob.of(pattern).literalPrefix()).isEqualTo(prefix);
  }
}
