package io.pgha.core.ha;

import io.pgha.core.ha.SyncStep.ClearSyncKey;
import io.pgha.core.ha.SyncStep.SetStandbyNames;
import io.pgha.core.ha.SyncStep.WriteSyncKey;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.MemberNames;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leader's synchronous replication (Patroni's {@code synchronous_mode}), decided as a pure
 * function: which standbys {@code synchronous_standby_names} names, and which the {@code sync} key
 * names.
 *
 * <p>The {@code sync} key tells the other members who may be promoted, so it must only ever name
 * members that have every acknowledged commit. Hence the order:
 *
 * <ul>
 *   <li>adding a standby: first into {@code synchronous_standby_names}; into the key only once
 *       {@code pg_stat_replication} shows it synchronous and it has flushed past the position where
 *       it became so (commits acknowledged earlier did not wait for it);
 *   <li>removing one: first out of the key, then out of {@code synchronous_standby_names}.
 * </ul>
 *
 * <p>pgha names exactly as many standbys as must confirm ({@code FIRST n} with {@code n} names), so
 * that while a standby is named, every commit waits for it. With no eligible standby, strict mode
 * sets {@code *} (commits wait for any standby to come back); otherwise replication turns
 * asynchronous, after the key was emptied, so that no replica can be promoted automatically (only
 * the leader has every commit).
 *
 * <p>{@code synchronous_mode: quorum} is decided by {@link QuorumReplication}, from the same
 * candidates.
 */
public final class SynchronousReplication {
  private SynchronousReplication() {}

  /**
   * The next steps on a leader running read-write.
   *
   * @param config the dynamic configuration in effect
   * @param me the leader's member name
   * @param view the cluster as last seen in etcd (members, their tags, the {@code sync} key)
   * @param standbys the leader's WAL senders
   * @param walPosition the leader's current WAL position, read after {@code standbys}
   * @param current what {@code synchronous_standby_names} says now
   */
  public static SyncPlan next(
      DynamicConfig config,
      String me,
      ClusterView view,
      List<StandbyConnection> standbys,
      long walPosition,
      StandbyNames current) {
    Optional<SyncState> sync = view.sync();
    if (!config.synchronousMode().isSynchronous()) {
      return whenOff(sync, current);
    }
    Candidates candidates = Candidates.of(config, me, view, standbys, walPosition);
    if (config.synchronousMode() == SynchronousMode.QUORUM) {
      Set<String> confirmed =
          standbys.stream()
              .filter(StandbyConnection::hasEveryAcknowledgedCommit)
              .map(StandbyConnection::name)
              .collect(Collectors.toSet());
      return QuorumReplication.next(config, me, view, candidates.eligible(), confirmed, current);
    }
    List<String> picked = candidates.picked();
    StandbyNames wanted =
        !picked.isEmpty()
            ? StandbyNames.of(picked)
            : config.synchronousModeStrict() ? StandbyNames.any() : StandbyNames.none();
    long revision = sync.map(SyncState::modRevision).orElse(0L);
    // A key with a quorum (written in quorum mode) does not say that each standby it lists has
    // every commit: it is rewritten as if it were another leader's.
    boolean keyIsMine =
        sync.filter(s -> s.quorum().orElse(0) == 0)
            .flatMap(SyncState::leader)
            .filter(me::equals)
            .isPresent();
    if (!keyIsMine) {
      return claimKey(me, sync, revision, current, wanted);
    }
    List<String> listed = sync.get().syncStandbys();
    List<String> keep = listed.stream().filter(picked::contains).filter(current::names).toList();
    if (keep.size() != listed.size()) {
      return removeFromKey(me, listed, keep, revision, current, wanted, candidates);
    }
    if (!current.equals(wanted)) {
      return new SyncPlan(
          List.of(new SetStandbyNames(wanted)), whyChangeNames(current, wanted, config));
    }
    List<String> ready =
        picked.stream()
            .filter(name -> !listed.contains(name))
            .filter(name -> candidates.connection(name).hasEveryAcknowledgedCommit())
            .toList();
    if (!ready.isEmpty()) {
      List<String> next =
          picked.stream().filter(n -> listed.contains(n) || ready.contains(n)).toList();
      return SyncPlan.of(
          members(ready)
              + (ready.size() == 1 ? " is synchronous and has" : " are synchronous and have")
              + " every acknowledged commit: adding "
              + (ready.size() == 1 ? "it" : "them")
              + " to the sync key",
          new WriteSyncKey(SyncState.of(me, next), revision));
    }
    return SyncPlan.nothing(steady(listed, picked, config));
  }

  /**
   * The steps before this member, holding the leader key, promotes its PostgreSQL: in synchronous
   * mode the key names us alone (so that the former primary, or a standby of its, is no longer a
   * candidate), and in strict mode {@code synchronous_standby_names} is {@code *} before the first
   * write is accepted.
   */
  public static SyncPlan beforePromotion(DynamicConfig config, String me, ClusterView view) {
    if (!config.synchronousMode().isSynchronous()) {
      return SyncPlan.nothing("synchronous mode is off");
    }
    long revision = view.sync().map(SyncState::modRevision).orElse(0L);
    WriteSyncKey claim =
        new WriteSyncKey(
            config.synchronousMode() == SynchronousMode.QUORUM
                ? QuorumState.NONE.toSync(me)
                : SyncState.of(me, List.of()),
            revision);
    if (config.synchronousModeStrict()) {
      return SyncPlan.of(
          "synchronous mode (strict) before promoting: naming myself alone in the sync key and"
              + " setting synchronous_standby_names '*', so that no commit is acknowledged before"
              + " a standby has it",
          claim,
          new SetStandbyNames(StandbyNames.any()));
    }
    return SyncPlan.of(
        "synchronous mode before promoting: naming myself alone in the sync key, with no"
            + " synchronous standby until one has caught up",
        claim,
        new SetStandbyNames(StandbyNames.none()));
  }

  /**
   * The steps after a fast takeover, before promoting: the takeover's transaction already wrote the
   * {@code sync} key naming us alone (the invariant holds: we have every commit we will
   * acknowledge, and name no standby until one has caught up); {@code synchronous_standby_names} is
   * cleared as in {@link #beforePromotion}, or {@code *} in strict mode.
   */
  public static SyncPlan afterTakeover(DynamicConfig config) {
    StandbyNames wanted = config.synchronousModeStrict() ? StandbyNames.any() : StandbyNames.none();
    return SyncPlan.of(
        "after the fast takeover, before promoting: synchronous_standby_names "
            + wanted.describe()
            + (config.synchronousModeStrict()
                ? ", so that no commit is acknowledged before a standby has it"
                : ", with no synchronous standby until one has caught up"),
        new SetStandbyNames(wanted));
  }

  /**
   * Before the leader starts its PostgreSQL as a primary (a restart in place): in strict mode,
   * commits must wait from the first one, so {@code *} unless standbys are named already.
   */
  public static SyncPlan beforeStartingAsPrimary(DynamicConfig config, StandbyNames current) {
    if (config.synchronousMode().isSynchronous()
        && config.synchronousModeStrict()
        && current.isNone()) {
      return SyncPlan.of(
          "synchronous mode (strict): setting synchronous_standby_names '*' before starting as"
              + " primary, so that no commit is acknowledged before a standby has it",
          new SetStandbyNames(StandbyNames.any()));
    }
    return SyncPlan.nothing("synchronous_standby_names stays " + current.describe());
  }

  private static SyncPlan whenOff(Optional<SyncState> sync, StandbyNames current) {
    List<SyncStep> steps = new ArrayList<>();
    sync.ifPresent(s -> steps.add(new ClearSyncKey(s.modRevision())));
    if (!current.isNone()) {
      steps.add(new SetStandbyNames(StandbyNames.none()));
    }
    if (steps.isEmpty()) {
      return SyncPlan.nothing("synchronous mode is off");
    }
    return new SyncPlan(
        steps,
        "synchronous mode is off: "
            + (sync.isPresent() ? "deleting the sync key" : "")
            + (sync.isPresent() && !current.isNone() ? " and " : "")
            + (current.isNone() ? "" : "clearing synchronous_standby_names"));
  }

  private static SyncPlan claimKey(
      String me,
      Optional<SyncState> sync,
      long revision,
      StandbyNames current,
      StandbyNames wanted) {
    String whose =
        sync.isEmpty()
            ? "there is no sync key"
            : sync.get()
                .leader()
                .map(l -> "the sync key belongs to (" + l + ")")
                .orElse("the sync key names no leader");
    List<SyncStep> steps = new ArrayList<>();
    steps.add(new WriteSyncKey(SyncState.of(me, List.of()), revision));
    if (!current.equals(wanted)) {
      steps.add(new SetStandbyNames(wanted));
    }
    return new SyncPlan(
        steps,
        whose
            + ": writing it with me as the leader and no synchronous standby yet"
            + (current.equals(wanted)
                ? ""
                : ", then synchronous_standby_names " + wanted.describe()));
  }

  private static SyncPlan removeFromKey(
      String me,
      List<String> listed,
      List<String> keep,
      long revision,
      StandbyNames current,
      StandbyNames wanted,
      Candidates candidates) {
    List<String> leaving = listed.stream().filter(n -> !keep.contains(n)).toList();
    String why =
        leaving.stream()
            .map(n -> "(" + n + ") " + candidates.whyNotPicked(n, current))
            .collect(Collectors.joining("; "));
    List<SyncStep> steps = new ArrayList<>();
    steps.add(new WriteSyncKey(SyncState.of(me, keep), revision));
    if (!current.equals(wanted)) {
      steps.add(new SetStandbyNames(wanted));
    }
    return new SyncPlan(
        steps,
        "removing "
            + members(leaving)
            + " from the sync key"
            + (current.equals(wanted)
                ? ""
                : " before synchronous_standby_names becomes " + wanted.describe())
            + ": "
            + why);
  }

  private static String whyChangeNames(
      StandbyNames current, StandbyNames wanted, DynamicConfig config) {
    String change =
        "synchronous_standby_names " + current.describe() + " -> " + wanted.describe() + ": ";
    if (wanted.anyStandby()) {
      return change
          + "no standby can be synchronous and synchronous_mode_strict is on, so commits wait"
          + " for any standby to come back";
    }
    if (wanted.isNone()) {
      return change
          + "no standby can be synchronous: replicating asynchronously (no replica may be"
          + " promoted automatically until one is synchronous again)";
    }
    List<String> added = wanted.names().stream().filter(n -> !current.names(n)).toList();
    if (added.isEmpty()) {
      return change + "fewer standbys to wait for";
    }
    return change
        + "waiting for "
        + members(added)
        + " to become synchronous (synchronous_node_count "
        + config.synchronousNodeCount()
        + ")";
  }

  private static String steady(List<String> listed, List<String> picked, DynamicConfig config) {
    List<String> waiting = picked.stream().filter(n -> !listed.contains(n)).toList();
    String standbys =
        listed.isEmpty()
            ? "no synchronous standby"
            : "synchronous standby "
                + String.join(", ", listed.stream().map(n -> "(" + n + ")").toList());
    if (!waiting.isEmpty()) {
      return standbys + "; waiting for " + members(waiting) + " to confirm every commit";
    }
    if (picked.isEmpty()) {
      return standbys
          + (config.synchronousModeStrict()
              ? ": no standby can be synchronous, commits wait (strict)"
              : ": no standby can be synchronous, replicating asynchronously");
    }
    return "no action: " + standbys;
  }

  private static String members(List<String> names) {
    return names.stream().map(n -> "(" + n + ")").collect(Collectors.joining(", "));
  }

  /** The standbys that may be synchronous, best first. */
  private record Candidates(
      Map<String, StandbyConnection> connections,
      Map<String, String> rejected,
      List<String> eligible,
      List<String> picked) {

    static Candidates of(
        DynamicConfig config,
        String me,
        ClusterView view,
        List<StandbyConnection> standbys,
        long walPosition) {
      Map<String, StandbyConnection> byName = new LinkedHashMap<>();
      Map<String, String> rejected = new LinkedHashMap<>();
      List<StandbyConnection> eligible = new ArrayList<>();
      for (StandbyConnection c : standbys) {
        if (c.name().equals(me) || byName.containsKey(c.name())) {
          continue;
        }
        byName.put(c.name(), c);
        Optional<String> why = whyIneligible(view.member(c.name()), c);
        if (why.isPresent()) {
          rejected.put(c.name(), why.get());
        } else {
          eligible.add(c);
        }
      }
      // As Patroni: lag is measured from the most advanced standby when there are several, so
      // that a busy primary does not disqualify them all at once; <= 0 turns the check off. The
      // position compared is the one commits wait for (replayed under remote_apply).
      long lagLimit = config.maximumLagOnSyncnode();
      if (lagLimit > 0) {
        Object commit = config.parameters().get("synchronous_commit");
        String synchronousCommit = commit == null ? "" : commit.toString();
        long reference =
            eligible.size() > 1
                ? eligible.stream()
                    .mapToLong(c -> c.acknowledgedLsn(synchronousCommit))
                    .max()
                    .orElse(walPosition)
                : walPosition;
        List<StandbyConnection> within = new ArrayList<>();
        for (StandbyConnection c : eligible) {
          long lag = reference - c.acknowledgedLsn(synchronousCommit);
          if (lag > lagLimit) {
            rejected.put(
                c.name(),
                "lags " + lag + " bytes, more than maximum_lag_on_syncnode (" + lagLimit + ")");
          } else {
            within.add(c);
          }
        }
        eligible = within;
      }
      List<String> ordered =
          eligible.stream().sorted(preference(view)).map(StandbyConnection::name).toList();
      int count = Math.max(1, config.synchronousNodeCount());
      return new Candidates(
          byName, rejected, ordered, ordered.subList(0, Math.min(count, ordered.size())));
    }

    /**
     * Members that may be promoted first (a synchronous standby that may not be promoted makes
     * failover impossible), then those synchronous now (no needless swap), then by {@code
     * sync_priority}, then the most advanced.
     */
    private static Comparator<StandbyConnection> preference(ClusterView view) {
      Comparator<StandbyConnection> noFailoverLast =
          Comparator.comparing(c -> !tags(view, c).isFailoverCandidate());
      return noFailoverLast
          .thenComparing(c -> !c.isSynchronous())
          .thenComparing(c -> -tags(view, c).syncPriority())
          .thenComparing(c -> -c.flushLsn())
          .thenComparing(StandbyConnection::name);
    }

    private static Tags tags(ClusterView view, StandbyConnection c) {
      return view.member(c.name()).map(Member::tags).orElse(Tags.NONE);
    }

    private static Optional<String> whyIneligible(Optional<Member> member, StandbyConnection c) {
      // The name is written into synchronous_standby_names: one that would become syntax there
      // (a forged member key, a standby's own application_name) is never a candidate.
      Optional<String> unsafe = MemberNames.whyUnsafe("name", c.name());
      if (unsafe.isPresent()) {
        return unsafe;
      }
      if (member.isEmpty()) {
        return Optional.of("is not a member of the cluster (no member key)");
      }
      if (!member.get().isRunning()) {
        return Optional.of("is not running (state " + member.get().state() + ")");
      }
      if (member.get().tags().noSync()) {
        return Optional.of("is tagged nosync");
      }
      if (member.get().tags().syncPriority() <= 0) {
        return Optional.of("has sync_priority " + member.get().tags().syncPriority());
      }
      if (!c.isStreaming()) {
        return Optional.of("is not streaming (" + c.state() + ")");
      }
      if (c.flushLsn() < 0) {
        return Optional.of("reports no flush position");
      }
      return Optional.empty();
    }

    StandbyConnection connection(String name) {
      return connections.get(name);
    }

    String whyNotPicked(String name, StandbyNames current) {
      if (!connections.containsKey(name)) {
        return "is not connected";
      }
      if (rejected.containsKey(name)) {
        return rejected.get(name);
      }
      if (!picked.contains(name)) {
        return "is not among the best synchronous_node_count candidates";
      }
      return "is not named in synchronous_standby_names " + current.describe();
    }
  }
}
