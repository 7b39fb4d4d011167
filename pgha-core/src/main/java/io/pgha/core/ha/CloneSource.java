package io.pgha.core.ha;

import io.pgha.patroni.Member;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a member without data copies it from: a running member tagged {@code clonefrom}, else the
 * leader, else (no leader) the most advanced member that answered.
 *
 * @param member the member to clone from
 * @param why how it was chosen, completing "cloning from"
 */
record CloneSource(String member, String why) {

  static Optional<CloneSource> choose(Situation s) {
    Optional<CloneSource> tagged =
        mostAdvancedCloneFrom(s)
            .map(m -> new CloneSource(m, "(" + m + "), a running member tagged clonefrom"));
    if (tagged.isPresent()) {
      return tagged;
    }
    Optional<String> leader = s.otherLeader();
    if (leader.isPresent()) {
      return Optional.of(new CloneSource(leader.get(), "the leader (" + leader.get() + ")"));
    }
    return mostAdvancedAnswering(s)
        .map(
            m ->
                new CloneSource(m, "(" + m + "), the most advanced member, as there is no leader"));
  }

  /**
   * A running member tagged clonefrom, as Patroni picks one from the member keys: peers are probed
   * only when someone may be elected, so with a leader the member key's position ranks them.
   */
  private static Optional<String> mostAdvancedCloneFrom(Situation s) {
    return s.view().members().values().stream()
        .filter(m -> !m.name().equals(s.name()))
        .filter(m -> m.tags().cloneFrom() && m.isRunning())
        .max(Comparator.comparingLong(m -> position(s, m)))
        .map(Member::name);
  }

  private static long position(Situation s, Member m) {
    return s.peers()
        .get(m.name())
        .map(PeerPosition::walPosition)
        .orElse(
            m.xlogLocation().orElse(Math.max(m.replayLsn().orElse(0L), m.receiveLsn().orElse(0L))));
  }

  private static Optional<String> mostAdvancedAnswering(Situation s) {
    return s.view().members().values().stream()
        .filter(m -> !m.name().equals(s.name()))
        .filter(m -> s.peers().get(m.name()).isPresent())
        .max(Comparator.comparingLong(m -> s.peers().get(m.name()).orElseThrow().walPosition()))
        .map(Member::name);
  }
}
