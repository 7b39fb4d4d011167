package io.pgha.core.ha;

import io.pgha.patroni.SyncState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this member may race for a free leader key in quorum commit mode: only once the {@code
 * sync} key's members prove it holds every acknowledged commit.
 *
 * <p>Only a member of the key (a voter, or the former leader) may race: a voter entered the key
 * only once it had flushed the leader's WAL past a point, and leaves it when it stops streaming
 * from the leader, so the WAL of every member of the key is a prefix of the leader's and their
 * positions compare (timelines as reported lag behind, so they are not compared). The key promises
 * that each acknowledged commit is on all voters but {@code quorum} ({@link QuorumState}). A vote
 * is a member of the key that answered this cycle, runs PostgreSQL as a replica, and is not ahead
 * of us: its WAL position is known and at most ours; we vote for ourselves. With {@code quorum + 1}
 * voters voting, one of them holds any given acknowledged commit, and we are at or past its
 * position, so we hold it too. The former leader's vote suffices alone: it holds every commit it
 * acknowledged. Fewer answers, no race: an unreachable voter may be the one holding a commit.
 */
final class QuorumVotes {
  private QuorumVotes() {}

  /** Empty when enough members vote for us, else why not (completing "no leader, and"). */
  static Optional<String> whyShort(Situation s) {
    Optional<SyncState> sync = s.view().sync().filter(k -> k.leader().isPresent());
    if (sync.isEmpty()) {
      return Optional.of(
          "quorum commit mode and the sync key names no leader, so no member is known to have"
              + " every acknowledged commit");
    }
    String leader = sync.get().leader().get();
    QuorumState key = QuorumState.of(sync.get());
    if (!leader.equals(s.name()) && !key.voters().contains(s.name())) {
      return Optional.of(
          "quorum commit mode and I am not in the sync key, so my WAL is not known to be the"
              + " leader's");
    }
    Set<String> votes = new LinkedHashSet<>();
    List<String> members = new ArrayList<>(key.voters());
    members.add(leader);
    for (String member : members) {
      if (member.equals(s.name()) || notAhead(s, member)) {
        votes.add(member);
      }
    }
    if (votes.contains(leader)) {
      return Optional.empty();
    }
    long voters = votes.stream().filter(key.voters()::contains).count();
    if (key.guarantee() > 0 && voters >= key.quorum() + 1) {
      return Optional.empty();
    }
    return Optional.of(
        "quorum commit mode: "
            + (key.guarantee() == 0
                ? "the sync key has no confirmed voter, so only its leader ("
                    + leader
                    + ") is known to have every acknowledged commit"
                : voters
                    + " of the sync key's voters ("
                    + String.join(", ", key.voters())
                    + ") are known not to be ahead of me ("
                    + String.join(", ", votes)
                    + "), "
                    + (key.quorum() + 1)
                    + " needed to prove I have every acknowledged commit"));
  }

  private static boolean notAhead(Situation s, String member) {
    return s.peers()
        .get(member)
        .filter(p -> !p.primary())
        .filter(p -> p.walPosition() > 0 && p.walPosition() <= s.local().walPosition())
        .isPresent();
  }
}
