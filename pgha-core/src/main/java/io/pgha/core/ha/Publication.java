package io.pgha.core.ha;

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
 *     leader running read-write, when the position moved); empty for none
 */
public record Publication(boolean observedBefore, boolean probedAfter, OptionalLong leaderOptime) {

  /** The observation, before the actions (which do not change PostgreSQL). */
  public static final Publication OBSERVED = new Publication(true, false, OptionalLong.empty());

  public Publication {
    leaderOptime = Objects.requireNonNullElse(leaderOptime, OptionalLong.empty());
    if (!observedBefore && !probedAfter) {
      throw new IllegalArgumentException("a cycle publishes its member key at least once");
    }
    if (leaderOptime.isPresent() && !observedBefore) {
      throw new IllegalArgumentException("the leader's position is written with the observation");
    }
  }
}
