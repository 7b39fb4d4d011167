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
        mostAdvancedAnswering(s, true)
            .map(m -> new CloneSource(m, "(" + m + "), a running member tagged clonefrom"));
    if (tagged.isPresent()) {
      return tagged;
    }
    Optional<String> leader = s.otherLeader();
    if (leader.isPresent()) {
      return Optional.of(new CloneSource(leader.get(), "the leader (" + leader.get() + ")"));
    }
    return mostAdvancedAnswering(s, false)
        .map(
            m ->
                new CloneSource(m, "(" + m + "), the most advanced member, as there is no leader"));
  }

  private static Optional<String> mostAdvancedAnswering(Situation s, boolean onlyCloneFrom) {
    return s.view().members().values().stream()
        .filter(m -> !m.name().equals(s.name()))
        .filter(m -> !onlyCloneFrom || (m.tags().cloneFrom() && m.isRunning()))
        .filter(m -> s.peers().get(m.name()).isPresent())
        .max(Comparator.comparingLong(m -> s.peers().get(m.name()).orElseThrow().walPosition()))
        .map(Member::name);
  }
}
