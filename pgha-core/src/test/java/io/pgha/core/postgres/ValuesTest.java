package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void lsnRoundTripsPostgresTextAndOrdersUnsigned() {
    Lsn lsn = Lsn.parse("16/B374D848");
    assertThat(lsn.value()).isEqualTo(0x16B374D848L);
    assertThat(lsn).hasToString("16/B374D848");
    assertThat(Lsn.parse("0/3000060").isAfter(Lsn.parse("0/3000028"))).isTrue();
    assertThat(new Lsn(-1).isAfter(new Lsn(1))).isTrue();
    assertThat(Lsn.parseNullable(null)).isNull();
  }

  @Test
  void lsnRejectsGarbageNamingIt() {
    assertThatThrownBy(() -> Lsn.parse("12345"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'12345'");
    assertThatThrownBy(() -> Lsn.parse("0/XYZ")).hasMessageContaining("'0/XYZ'");
  }

  @Test
  void slotNamesFollowPatroni() {
    assertThat(ReplicationSlots.slotNameFor("PG-2.node")).isEqualTo("pg_2_node");
    assertThat(ReplicationSlots.slotNameFor("a".repeat(70))).hasSize(63);
  }

  @Test
  void synchronousStandbyNamesRenderFirstAndAny() {
    assertThat(SynchronousStandbys.first(1, List.of("pg-2", "pg-3")).toSetting())
        .isEqualTo("FIRST 1 (\"pg-2\",\"pg-3\")");
    assertThat(SynchronousStandbys.any(2, List.of("a", "b", "c")).toSetting())
        .isEqualTo("ANY 2 (\"a\",\"b\",\"c\")");
    assertThat(SynchronousStandbys.none().toSetting()).isEmpty();
    assertThat(SynchronousStandbys.anyStandby().toSetting()).isEqualTo("*");
    assertThat(SynchronousStandbys.anyStandby().isAnyStandby()).isTrue();
    assertThat(SynchronousStandbys.first(1, List.of("a")).isAnyStandby()).isFalse();
  }

  @Test
  void synchronousStandbysRejectImpossibleCounts() {
    assertThatThrownBy(() -> SynchronousStandbys.first(3, List.of("a")))
        .hasMessageContaining("count (3)")
        .hasMessageContaining("0..1");
    assertThatThrownBy(() -> SynchronousStandbys.any(1, List.of("a\"b")))
        .hasMessageContaining("a\"b");
  }

  @Test
  void commandResultDescribesProgramStatusAndOutputTail() {
    CommandResult result =
        new CommandResult(
            List.of("/usr/bin/initdb", "-D", "/x"), 1, "a\nb\ninitdb: error: boom\n", false);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.describe())
        .isEqualTo("initdb exited with status 1: a\nb\ninitdb: error: boom");
    assertThat(new CommandResult(List.of("x"), -1, "", true).describe()).contains("timed out");
  }

  @Test
  void statusWalPositionIsTheFurthestKnown() {
    PostgresStatus standby =
        new PostgresStatus(
            ServerState.STANDBY,
            2,
            null,
            Lsn.parse("0/5000000"),
            Lsn.parse("0/4000000"),
            "streaming",
            false,
            List.of(),
            null,
            150000,
            "1",
            false);
    assertThat(standby.walPosition()).isEqualTo(Lsn.parse("0/5000000"));
    assertThat(PostgresStatus.notAnswering(false).walPosition()).isNull();
  }
}
