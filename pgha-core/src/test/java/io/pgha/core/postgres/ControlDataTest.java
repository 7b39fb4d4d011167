package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ControlDataTest {

  static final String SHUT_DOWN =
      """
      pg_control version number:            1300
      Catalog version number:               202209061
      Database system identifier:           7712427966279036644
      Database cluster state:               shut down
      pg_control last modified:             Thu Nov 26 10:39:28 2026
      Latest checkpoint location:           0/17414F8
      Latest checkpoint's REDO location:    0/17414F8
      Latest checkpoint's TimeLineID:       1
      Latest checkpoint's oldestCommitTsXid:0
      Minimum recovery ending location:     0/0
      Min recovery ending loc's timeline:   0
      """;

  @Test
  void parsesTheFieldsPghaUses() {
    ControlData data = ControlData.parse(SHUT_DOWN);
    assertThat(data.state()).isEqualTo("shut down");
    assertThat(data.cleanPrimaryShutdown()).isTrue();
    assertThat(data.cleanStandbyShutdown()).isFalse();
    assertThat(data.timeline()).isEqualTo(1);
    assertThat(data.checkpoint()).isEqualTo(Lsn.parse("0/17414F8"));
    assertThat(data.knownEnd()).isEqualTo(Lsn.parse("0/17414F8"));
    assertThat(data.systemIdentifier()).isEqualTo("7712427966279036644");
  }

  @Test
  void knownEndOfAStandbyIsItsMinimumRecoveryPointWhenLater() {
    ControlData data =
        ControlData.parse(
            SHUT_DOWN
                .replace(
                    "state:               shut down", "state:               shut down in recovery")
                .replace("location:     0/0", "location:     0/3000000"));
    assertThat(data.cleanStandbyShutdown()).isTrue();
    assertThat(data.knownEnd()).isEqualTo(Lsn.parse("0/3000000"));
  }

  @Test
  void missingLineIsNamed() {
    assertThatThrownBy(() -> ControlData.parse("Database cluster state: shut down\n"))
        .hasMessageContaining("Latest checkpoint's TimeLineID");
  }
}
