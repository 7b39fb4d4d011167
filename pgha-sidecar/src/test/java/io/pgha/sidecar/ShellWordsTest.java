package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Commands of the file are split as Patroni splits them (Python's shlex, POSIX mode). */
class ShellWordsTest {

  @Test
  void quotesKeepBlanksAndBackslashesEscape() {
    assertThat(
            ShellWords.split(
                "/usr/bin/python3 features/backup_create.py --walmethod=stream"
                    + " --dbname=\"host=127.0.0.1 port=5362\" 'a b' c\\ d \"x\\\"y\""))
        .containsExactly(
            "/usr/bin/python3",
            "features/backup_create.py",
            "--walmethod=stream",
            "--dbname=host=127.0.0.1 port=5362",
            "a b",
            "c d",
            "x\"y");
  }

  @Test
  void emptyQuotesAreAWordAndBlanksAreNot() {
    assertThat(ShellWords.split("  cmd  ''  ")).containsExactly("cmd", "");
  }

  @Test
  void anUnclosedQuoteIsAnError() {
    assertThatThrownBy(() -> ShellWords.split("cmd 'open"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unclosed single quote");
  }
}
