package io.pgha.core.postgres;

import java.util.Arrays;
import java.util.Objects;

/**
 * A logical replication slot as the primary keeps it on disk, for a replica to install a copy.
 *
 * @param name the slot's name
 * @param database the database it decodes
 * @param plugin its output plugin
 * @param confirmedFlush where its consumer is (null if nowhere yet)
 * @param state the content of {@code pg_replslot/<name>/state}
 */
public record LogicalSlotState(
    String name, String database, String plugin, Lsn confirmedFlush, byte[] state) {

  public LogicalSlotState {
    Objects.requireNonNull(name, "name");
    state = state.clone();
  }

  @Override
  public byte[] state() {
    return state.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogicalSlotState s
        && name.equals(s.name)
        && Objects.equals(database, s.database)
        && Objects.equals(plugin, s.plugin)
        && Objects.equals(confirmedFlush, s.confirmedFlush)
        && Arrays.equals(state, s.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, database, plugin, confirmedFlush, Arrays.hashCode(state));
  }

  @Override
  public String toString() {
    return name + " (" + plugin + " in " + database + ", confirmed " + confirmedFlush + ")";
  }
}
