package dev.localbuild.buildspec.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.buildspec.Buildspec;
import dev.localbuild.buildspec.parse.BuildspecException;
import dev.localbuild.buildspec.parse.BuildspecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses the 143 real buildspecs of {@code ../shared/corpus/buildspecs} (data only: never
 * executed). Each is accepted, or refused with the error CodeBuild gives; nothing crashes; the
 * unknown keys that the corpus index found by hand are the ones CodeBuild's warning would list.
 */
class CorpusTest {
  static final Path CORPUS =
      Path.of(System.getProperty("corpus.dir", "../../shared/corpus/buildspecs"))
          .toAbsolutePath()
          .normalize();

  /** The files CodeBuild refuses, with the message it gives (after "YAML_FILE_ERROR Message: "). */
  static final Map<String, String> REFUSED =
      Map.of(
          "064-0xJoba-nextwork-devops-project-buildspec.yml",
              "did not find expected key at line 12",
          "068-2025-softbank-hackathon-backend-buildspec.yml",
              "could not find expected ':' at line 46",
          "129-ASUCICREPO-Patent-Novelty-Assessment-buildspec-frontend.yml",
              "Expected Commands[4] to be of string type: found subkeys instead at line 19,"
                  + " value of the key tag on line 18 might be empty");

  static final Map<String, Buildspec> accepted = new TreeMap<>();
  static final Map<String, BuildspecException> refused = new TreeMap<>();
  static final Map<String, String> notes = new HashMap<>();

  @BeforeAll
  static void parseAll() throws IOException {
    assertThat(CORPUS).as("the buildspec corpus (set -Dcorpus.dir)").isDirectory();
    for (String row : Files.readAllLines(CORPUS.resolve("INDEX.tsv")).subList(1, 144)) {
      String[] cols = row.split("\t", -1);
      notes.put(cols[0], cols.length > 5 ? cols[5] : "");
    }
    try (var files = Files.list(CORPUS)) {
      for (Path p : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        String name = p.getFileName().toString();
        try {
          accepted.put(name, BuildspecParser.parse(p));
        } catch (BuildspecException e) {
          refused.put(name, e);
        }
        // anything else propagates and fails the test: a crash is a bug
      }
    }
  }

  @Test
  void everyFileIsAcceptedOrRefusedAsCodeBuildWould() {
    assertThat(accepted.size() + refused.size()).isEqualTo(143);
    Map<String, String> messages = new TreeMap<>();
    refused.forEach((name, e) -> messages.put(name, e.contextMessage()));
    assertThat(messages).isEqualTo(new TreeMap<>(REFUSED));
    refused.values().forEach(e -> assertThat(e.statusCode()).isEqualTo("YAML_FILE_ERROR"));
  }

  @Test
  void theInvalidYamlOfTheIndexIsRefused() {
    notes.forEach((name, note) -> {
      if (note.contains("[INVALID-YAML]")) {
        assertThat(refused).containsKey(name);
      }
    });
  }

  /** The index lists "keys not in CodeBuild docs: a.b, c"; CodeBuild warns about exactly those. */
  @Test
  void unknownKeysMatchTheIndex() {
    Pattern listed = Pattern.compile("keys not in CodeBuild docs: ([^;]+)");
    int checked = 0;
    for (var e : notes.entrySet()) {
      Matcher m = listed.matcher(e.getValue());
      if (!m.find() || !accepted.containsKey(e.getKey())) {
        continue;
      }
      List<String> expected = new ArrayList<>();
      for (String dotted : m.group(1).split(",\\s*")) {
        expected.add(dotted.contains(".") ? dotted : "buildspec." + dotted);
      }
      List<String> actual = new ArrayList<>();
      accepted
          .get(e.getKey())
          .unknownKeys()
          .forEach((section, keys) -> keys.forEach(k -> actual.add(section + "." + k)));
      assertThat(actual).as(e.getKey()).containsAll(expected);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }

  @Test
  void quirksTheIndexMarksAsValidParseAsWritten() {
    // python: 3.10 is a YAML float, but CodeBuild (go-yaml into a string) sees what was written
    assertThat(
            accepted
                .get("025-AcademySoftwareFoundation-openvdb-ci_buildspec.yml")
                .phases()
                .values())
        .anySatisfy(p -> assertThat(p.runtimeVersions()).containsEntry("python", "3.10"));
    // a v0.1 file keeps its version: each command gets its own shell
    assertThat(
            accepted.get("079-NCAR-wrfcloud-codebuild_buildspec.yml").version().carriesShellState())
        .isFalse();
    // batch-only buildspecs have no phases and are valid
    assertThat(accepted.get("001-aws-s2n-tls-spec_buildspec_generalbatch.yml").phases()).isEmpty();
    assertThat(accepted.get("001-aws-s2n-tls-spec_buildspec_generalbatch.yml").batch()).isNotNull();
  }
}
