package dev.localbuild.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnsiHtmlTest {
  @Test
  void textIsEscapedSoALogCannotWriteIntoThePage() {
    assertThat(AnsiHtml.render("<script>alert('x')</script> & \"q\""))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  }

  @Test
  void coloursAndBoldBecomeSpansUntilReset() {
    assertThat(AnsiHtml.render("\u001b[1;31mERROR\u001b[0m done"))
        .isEqualTo("<span class=\"fg1 b\">ERROR</span> done");
    assertThat(AnsiHtml.render("\u001b[32mok\u001b[39m plain"))
        .isEqualTo("<span class=\"fg2\">ok</span> plain");
    assertThat(AnsiHtml.render("\u001b[94;41mbright on red\u001b[m"))
        .isEqualTo("<span class=\"fg12 bg1\">bright on red</span>");
    // a style left open at the line's end is closed there
    assertThat(AnsiHtml.render("\u001b[33mwarn")).isEqualTo("<span class=\"fg3\">warn</span>");
  }

  @Test
  void extendedColoursAreInlineStyles() {
    assertThat(AnsiHtml.render("\u001b[38;5;208mo\u001b[0m"))
        .isEqualTo("<span style=\"color:#ff8700;\">o</span>");
    assertThat(AnsiHtml.render("\u001b[38;5;9mr\u001b[0m"))
        .isEqualTo("<span class=\"fg9\">r</span>");
    assertThat(AnsiHtml.render("\u001b[48;2;10;20;300mx"))
        .isEqualTo("<span style=\"background-color:#0a14ff;\">x</span>");
    assertThat(AnsiHtml.xterm256(232)).isEqualTo("#080808");
  }

  @Test
  void otherSequencesAndControlCharactersShowNothing() {
    assertThat(AnsiHtml.render("\u001b[2K\u001b[1Gline\u0007")).isEqualTo("line");
    assertThat(AnsiHtml.render("\u001b]0;title\u0007text")).isEqualTo("text");
    assertThat(AnsiHtml.render("tab\there")).isEqualTo("tab\there");
  }

  @Test
  void aCarriageReturnKeepsWhatTheTerminalShowsLast() {
    assertThat(AnsiHtml.render(" 10%\r 50%\r100% done")).isEqualTo("100% done");
    assertThat(AnsiHtml.render("windows line\r")).isEqualTo("windows line");
  }
}
