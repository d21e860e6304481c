package dev.localbuild.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbuild.localaws.S3Store.S3Object;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** S3's listing rules: order, prefix, delimiter roll-up, pages that resume where they stopped. */
class S3ListingTest {
  static NavigableMap<String, S3Object> index(String... keys) {
    NavigableMap<String, S3Object> m = new TreeMap<>();
    for (String k : keys) {
      m.put(k, new S3Object(k, 1, "e", Instant.EPOCH, "binary/octet-stream", Map.of()));
    }
    return m;
  }

  static List<String> keys(S3Listing.Page p) {
    return p.contents().stream().map(S3Object::key).toList();
  }

  final NavigableMap<String, S3Object> index =
      index("a.txt", "b/1", "b/2", "b/c/3", "c/1", "d.txt", "e/1");

  @Test
  void withoutADelimiterEveryKeyUnderThePrefixInOrder() {
    S3Listing.Page p = S3Listing.page(index, "b/", "", 1000, "");
    assertThat(keys(p)).containsExactly("b/1", "b/2", "b/c/3");
    assertThat(p.prefixes()).isEmpty();
    assertThat(p.truncated()).isFalse();
  }

  @Test
  void aDelimiterRollsKeysUpIntoCommonPrefixes() {
    S3Listing.Page p = S3Listing.page(index, "", "/", 1000, "");
    assertThat(keys(p)).containsExactly("a.txt", "d.txt");
    assertThat(p.prefixes()).containsExactly("b/", "c/", "e/");
    S3Listing.Page under = S3Listing.page(index, "b/", "/", 1000, "");
    assertThat(keys(under)).containsExactly("b/1", "b/2");
    assertThat(under.prefixes()).containsExactly("b/c/");
  }

  @Test
  void pagesCountKeysAndPrefixesAndResumeAfterTheLastItem() {
    S3Listing.Page first = S3Listing.page(index, "", "/", 2, "");
    assertThat(keys(first)).containsExactly("a.txt");
    assertThat(first.prefixes()).containsExactly("b/");
    assertThat(first.truncated()).isTrue();
    assertThat(first.last()).isEqualTo("b/");
    // resuming after a common prefix skips every key under it
    S3Listing.Page second = S3Listing.page(index, "", "/", 2, first.last());
    assertThat(second.prefixes()).containsExactly("c/");
    assertThat(keys(second)).containsExactly("d.txt");
    S3Listing.Page third = S3Listing.page(index, "", "/", 2, second.last());
    assertThat(third.prefixes()).containsExactly("e/");
    assertThat(third.truncated()).isFalse();
  }

  @Test
  void aPageThatEndsExactlyAtTheLastKeyIsNotTruncated() {
    S3Listing.Page p = S3Listing.page(index("x", "y"), "", "", 2, "");
    assertThat(keys(p)).containsExactly("x", "y");
    assertThat(p.truncated()).isFalse();
  }

  @Test
  void startAfterBeforeThePrefixStartsAtThePrefix() {
    assertThat(keys(S3Listing.page(index, "c/", "", 1000, "a"))).containsExactly("c/1");
    assertThat(keys(S3Listing.page(index, "b/", "", 1000, "b/1"))).containsExactly("b/2", "b/c/3");
  }

  @Test
  void continuationTokensRoundTripAnyKey() {
    String key = "dir/ünïcode key+plus/=";
    assertThat(S3Listing.decodeToken(S3Listing.encodeToken(key))).isEqualTo(key);
  }
}
