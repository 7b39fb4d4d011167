package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the standby leader of a standby cluster writes: the primary cluster's slot, not its own. */
class StandbySourceFilesTest {
  private final ManagedFiles files =
      new ManagedFiles(
          PostgresConfig.builder("pg-1", Path.of("/var/lib/pg/data"))
              .superuser("postgres", "su-secret")
              .replication("replicator", "repl-secret")
              .build(),
          null);
  private final Upstream remote = new Upstream("10.0.0.9", 5433);

  @Test
  void theStandbyLeaderStreamsFromThePrimaryClusterThroughTheSlotNamedThere() {
    StandbySource source =
        new StandbySource(Optional.of(remote), Optional.of("standby_a"), Optional.of("cp %f %p"));

    Map<String, String> values =
        files.parameters(remote, source, SynchronousStandbys.none(), Map.of());

    assertThat(values.get("primary_conninfo")).contains("host='10.0.0.9'", "port='5433'");
    assertThat(values)
        .containsEntry("primary_slot_name", "standby_a")
        .containsEntry("restore_command", "cp %f %p");
  }

  @Test
  void withoutASlotNamedItStreamsWithoutOneNeverThroughItsOwnMemberSlot() {
    StandbySource source =
        new StandbySource(Optional.of(remote), Optional.empty(), Optional.empty());

    Map<String, String> values =
        files.parameters(remote, source, SynchronousStandbys.none(), Map.of());

    assertThat(values).doesNotContainKeys("primary_slot_name", "restore_command");
    assertThat(files.parameters(remote, SynchronousStandbys.none(), Map.of()))
        .containsEntry("primary_slot_name", "pg_1");
  }

  @Test
  void fromTheArchiveOnlyThereIsNoPrimaryConninfo() {
    StandbySource source =
        new StandbySource(Optional.empty(), Optional.empty(), Optional.of("cp %f %p"));

    Map<String, String> values =
        files.parameters(null, source, SynchronousStandbys.none(), Map.of());

    assertThat(values).doesNotContainKeys("primary_conninfo", "primary_slot_name");
    assertThat(values).containsEntry("restore_command", "cp %f %p");
    assertThatThrownBy(
            () -> new StandbySource(Optional.empty(), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
