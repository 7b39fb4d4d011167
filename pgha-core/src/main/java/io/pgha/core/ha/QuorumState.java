package io.pgha.core.ha;

import io.pgha.patroni.SyncState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The promise a {@code sync} key makes in quorum commit mode: every commit its leader acknowledged
 * is held by at least {@link #guarantee()} of its {@code voters} ({@code sync_standby}), namely all
 * but {@code quorum} of them. So any {@code quorum + 1} voters include one holding it, and a member
 * at or ahead of all of them has it ({@link QuorumVotes}).
 *
 * <p>A key without the {@code quorum} field (written in priority mode) promises that every listed
 * standby holds every commit: quorum 0.
 *
 * @param voters the members listed, sorted
 * @param quorum how many voters, besides one holding it, a candidate must see not ahead of itself
 */
record QuorumState(List<String> voters, int quorum) {

  static final QuorumState NONE = new QuorumState(List.of(), 0);

  QuorumState {
    voters = voters.stream().sorted().distinct().toList();
    if (quorum < 0) {
      throw new IllegalArgumentException("quorum (" + quorum + ") must be >= 0");
    }
  }

  /** The key's promise, or {@link #NONE} when it belongs to another leader or names none. */
  static QuorumState of(SyncState sync) {
    return new QuorumState(sync.syncStandbys(), Math.max(0, sync.quorum().orElse(0)));
  }

  /** Voters promising that each commit is on {@code guarantee} of them; none when 0. */
  static QuorumState promising(List<String> voters, int guarantee) {
    if (guarantee <= 0 || voters.isEmpty()) {
      return NONE;
    }
    return new QuorumState(voters, voters.size() - Math.min(guarantee, voters.size()));
  }

  /** How many voters hold each acknowledged commit, at the least. */
  int guarantee() {
    return voters.isEmpty() ? 0 : Math.max(0, voters.size() - quorum);
  }

  /**
   * The most another set of voters can promise right after this key is replaced by it, while {@code
   * names} stays as it is: each commit is on all but the removed of the {@link #guarantee()} voters
   * holding it; and on every {@code confirmed} member if it was acknowledged before they were
   * confirmed (they flushed past a position read after {@code names} took effect), or on {@link
   * StandbyNames#guaranteedAmong} of the new voters if acknowledged after.
   *
   * @param confirmed members that hold every commit acknowledged before the current {@code names}
   *     took effect
   */
  int safeGuarantee(Collection<String> newVoters, StandbyNames names, Set<String> confirmed) {
    long removed = voters.stream().filter(v -> !newVoters.contains(v)).count();
    int kept = (int) Math.max(0, guarantee() - removed);
    int confirmedVoters = (int) newVoters.stream().filter(confirmed::contains).count();
    return Math.max(kept, Math.min(confirmedVoters, names.guaranteedAmong(newVoters)));
  }

  /** Whether commits acknowledged under {@code names} keep this key's promise. */
  boolean keptUnder(StandbyNames names) {
    return names.guaranteedAmong(voters) >= guarantee();
  }

  /** The key as written, with {@code leader}. */
  SyncState toSync(String leader) {
    return new SyncState(Optional.of(leader), voters, OptionalInt.of(quorum), 0);
  }

  /** For a log line: {@code quorum 1 of (pg-2, pg-3)}. */
  String describe() {
    return voters.isEmpty()
        ? "no voter"
        : "quorum " + quorum + " of (" + String.join(", ", voters) + ")";
  }
}
