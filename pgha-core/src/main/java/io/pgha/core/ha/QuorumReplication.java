package io.pgha.core.ha;

import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.core.ha.SyncStep.WriteSyncKey;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leader's quorum commit ({@code synchronous_mode: quorum}, Patroni 4), decided as a pure
 * function: {@code synchronous_standby_names = ANY k (...)} and the {@code sync} key's voters and
 * {@code quorum}.
 *
 * <p>The key's promise ({@link QuorumState}: each acknowledged commit is on all voters but {@code
 * quorum}) must hold at every moment, for commits acknowledged under any setting. Each plan is at
 * most one compare-and-swap of the key, then at most one change of the setting:
 *
 * <ol>
 *   <li>the key lists the wanted voters and promises what is proven now ({@link
 *       QuorumState#safeGuarantee}), capped at {@code k}: promising less is always safe, so a voter
 *       leaves the key, and a new voter enters it, before the setting changes;
 *   <li>then the setting becomes {@code ANY k} of the wanted standbys: commits acknowledged under
 *       it are on {@code k} of the voters, which keeps the key's promise ({@link
 *       QuorumState#keptUnder});
 *   <li>the promise grows to {@code k} in a later cycle, once {@code k} voters are confirmed: they
 *       flushed past a position read after the setting took effect.
 * </ol>
 *
 * <p>In steady state the key lists the same standbys as the setting, with {@code quorum} = voters −
 * {@code k}, as Patroni writes it.
 */
final class QuorumReplication {
  private QuorumReplication() {}

  /**
   * The next steps.
   *
   * @param eligible the standbys that may be synchronous, best first
   * @param confirmed standbys known to hold every commit acknowledged before {@code current} took
   *     effect
   */
  static SyncPlan next(
      DynamicConfig config,
      String me,
      ClusterView view,
      List<String> eligible,
      Set<String> confirmed,
      StandbyNames current) {
    int wanted = Math.max(1, config.synchronousNodeCount());
    List<String> active = active(view, eligible, wanted);
    int k = Math.min(wanted, active.size());
    StandbyNames target =
        !active.isEmpty()
            ? StandbyNames.quorum(k, active)
            : config.synchronousModeStrict() ? StandbyNames.any() : StandbyNames.none();
    Optional<SyncState> sync = view.sync();
    long revision = sync.map(SyncState::modRevision).orElse(0L);
    boolean mine = sync.flatMap(SyncState::leader).filter(me::equals).isPresent();
    QuorumState key = mine ? QuorumState.of(sync.get()) : QuorumState.NONE;
    boolean written = mine && sync.get().quorum().isPresent();

    QuorumState next =
        QuorumState.promising(active, Math.min(k, key.safeGuarantee(active, current, confirmed)));
    List<SyncStep> steps = new ArrayList<>();
    List<String> why = new ArrayList<>();
    if (!next.equals(key) || !written) {
      steps.add(new WriteSyncKey(next.toSync(me), revision));
      why.add(keyChange(sync, mine, key, next, k));
    }
    if (!current.equals(target)) {
      if (!next.keptUnder(target)) {
        // Cannot happen: the key never promises more than k of the wanted standbys.
        return new SyncPlan(steps, String.join("; ", why));
      }
      steps.add(new SetStandbyNames(target));
      why.add(
          "synchronous_standby_names "
              + current.describe()
              + " -> "
              + target.describe()
              + (active.isEmpty()
                  ? config.synchronousModeStrict()
                      ? ": no standby can be synchronous, commits wait for any standby (strict)"
                      : ": no standby can be synchronous, replicating asynchronously"
                  : ""));
    }
    if (steps.isEmpty()) {
      return SyncPlan.nothing(steady(next, target, k, active, confirmed));
    }
    return new SyncPlan(steps, "quorum commit: " + String.join("; then ", why));
  }

  /**
   * As Patroni: members tagged {@code nofailover} only when too few others, since a voter that may
   * not be promoted can make failover impossible; names sorted, so that the setting does not change
   * when their order of preference does.
   */
  private static List<String> active(ClusterView view, List<String> eligible, int wanted) {
    List<String> active = new ArrayList<>();
    for (String name : eligible) {
      boolean promotable =
          view.member(name).map(Member::tags).orElse(Tags.NONE).isFailoverCandidate();
      if (promotable || active.size() < wanted) {
        active.add(name);
      }
    }
    return active.stream().sorted().toList();
  }

  private static String keyChange(
      Optional<SyncState> sync, boolean mine, QuorumState key, QuorumState next, int k) {
    String whose =
        mine
            ? ""
            : sync.isEmpty()
                ? "there is no sync key: "
                : sync.get()
                    .leader()
                    .map(l -> "the sync key belongs to (" + l + "): ")
                    .orElse("the sync key names no leader: ");
    String change = whose + "sync key " + key.describe() + " -> " + next.describe();
    if (next.guarantee() < k && !next.voters().isEmpty()) {
      return change + " (" + next.guarantee() + " of " + k + " confirmed so far)";
    }
    if (next.voters().isEmpty() && k > 0) {
      return change + " (no voter confirmed yet: no automatic failover until one is)";
    }
    return change;
  }

  private static String steady(
      QuorumState key, StandbyNames names, int k, List<String> active, Set<String> confirmed) {
    if (active.isEmpty()) {
      return "quorum commit: no standby can be synchronous (" + names.describe() + ")";
    }
    if (key.guarantee() < k) {
      List<String> waiting = active.stream().filter(n -> !confirmed.contains(n)).toList();
      return "quorum commit: sync key "
          + key.describe()
          + ", synchronous_standby_names "
          + names.describe()
          + "; waiting for "
          + waiting.stream().map(n -> "(" + n + ")").collect(Collectors.joining(", "))
          + " to confirm every commit";
    }
    return "no action: quorum commit, sync key "
        + key.describe()
        + ", synchronous_standby_names "
        + names.describe();
  }
}
