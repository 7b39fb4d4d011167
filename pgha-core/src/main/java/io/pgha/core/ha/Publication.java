package io.pgha.core.ha;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * When, in a cycle, this member publishes its member key: from the cycle's observation before the
 * actions, and again from a fresh look at PostgreSQL after actions that change it.
 *
 * @param observedBefore publish the observation the decision was made from before the first action
 *     (long actions come next: operators, and the leader keeping a slot, see what this member does)
 * @param probedAfter after the actions, however far they got, look at PostgreSQL again and publish
 *     what it is now: the actions change it
 * @param leaderOptime with the observation, write this WAL position to the {@code status} key (the
 *     leader running read-write, when the position or a permanent slot's moved); empty for none
 * @param permanentSlots written with {@code leaderOptime}: the permanent slots' positions, as
 *     Patroni writes them in the {@code status} key's {@code slots}
 */
public record Publication(
    boolean observedBefore,
    boolean probedAfter,
    OptionalLong leaderOptime,
    Map<String, Long> permanentSlots) {

  /** The observation, before the actions (which do not change PostgreSQL). */
  public static final Publication OBSERVED = new Publication(true, false, OptionalLong.empty());

  /** A publication without permanent slots. */
  public Publication(boolean observedBefore, boolean probedAfter, OptionalLong leaderOptime) {
    this(observedBefore, probedAfter, leaderOptime, Map.of());
  }

  public Publication {
    leaderOptime = Objects.requireNonNullElse(leaderOptime, OptionalLong.empty());
    permanentSlots = Map.copyOf(Objects.requireNonNullElse(permanentSlots, Map.of()));
    if (!observedBefore && !probedAfter) {
      throw new IllegalArgumentException("a cycle publishes its member key at least once");
    }
    if (leaderOptime.isPresent() && !observedBefore) {
      throw new IllegalArgumentException("the leader's position is written with the observation");
    }
  }
}
