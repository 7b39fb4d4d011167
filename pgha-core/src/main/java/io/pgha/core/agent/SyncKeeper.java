package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.StandbyConnection;
import io.pgha.core.ha.StandbyNames;
import io.pgha.core.ha.SyncPlan;
import io.pgha.core.ha.SyncStep;
import io.pgha.core.ha.SynchronousReplication;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.ReplicationConnection;
import io.pgha.core.postgres.SynchronousStandbys;
import io.pgha.patroni.DynamicConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes the leader's standbys for {@link SynchronousReplication} and carries out the plans the
 * decision made from them. Runs on the HA loop's thread only.
 *
 * <p>It remembers, per WAL sender process, the leader's WAL position when that connection was first
 * seen synchronous: a standby that reconnects gets a new WAL sender and starts over, so a standby
 * that missed commits while away is never counted as having them.
 */
final class SyncKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(SyncKeeper.class);

  /** How long to watch for a newly named standby to turn synchronous, as Patroni does. */
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final long SETTLE_POLL_MILLIS = 100;

  /**
   * How long after a new {@code ANY k} setting is first seen the position that confirms standbys is
   * read: PostgreSQL's WAL senders apply a reloaded setting on their next wake-up, and a commit
   * released under the old setting must lie before that position.
   */
  private static final long QUORUM_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String name;
  private final Dcs dcs;
  private final PostgresController postgres;
  private final Map<Integer, Long> syncSinceByPid = new HashMap<>();

  /**
   * Quorum commit ({@code ANY k}): the setting last seen, when it was first seen, and the leader's
   * WAL position read at least {@link #QUORUM_SETTLE_NANOS} later (empty until then).
   */
  private StandbyNames namesSeen;

  private long namesSeenAtNanos;
  private OptionalLong namesSincePosition = OptionalLong.empty();
  private String lastReason = "";

  SyncKeeper(String name, Dcs dcs, PostgresController postgres) {
    this.name = name;
    this.dcs = dcs;
    this.postgres = postgres;
  }

  /**
   * Carries out {@code plan}, which the decision made; false when a step failed. When the plan
   * named new standbys, watches them for a moment and carries out the next step {@link
   * SynchronousReplication#next} gives as soon as one is synchronous, so that the key names a
   * synchronous standby within the same cycle rather than one {@code loop_wait} later.
   */
  boolean carryOut(SyncPlan plan, DynamicConfig config) {
    if (!apply(plan)) {
      return false;
    }
    if (namesNewStandbys(plan)) {
      settle(config);
    }
    return true;
  }

  private void settle(DynamicConfig config) {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(SETTLE_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      PostgresStatus status = postgres.probe();
      if (!status.isReadWrite()) {
        return;
      }
      if (status.replication().stream()
          .noneMatch(r -> "sync".equals(r.syncState()) || "quorum".equals(r.syncState()))) {
        continue; // nothing new to see yet: no etcd read
      }
      SyncPlan next;
      try {
        next = plan(config, status);
      } catch (DcsException e) {
        return;
      }
      if (next.isActive()) {
        apply(next);
        return;
      }
    }
  }

  /**
   * Plans from a fresh read of etcd, not the watched cache: a plan made from a cache that has not
   * yet seen our own last write to the key could take a standby out of synchronous_standby_names
   * while the key still names it.
   */
  private SyncPlan plan(DynamicConfig config, PostgresStatus primary) throws DcsException {
    long position = primary.currentLsn() == null ? 0 : primary.currentLsn().value();
    List<StandbyConnection> standbys = observe(primary, position);
    return SynchronousReplication.next(config, name, dcs.refresh(), standbys, position, current());
  }

  /** The primary's WAL senders, for the cycle's observation. */
  List<StandbyConnection> standbys(PostgresStatus primary) {
    return observe(primary, primary.currentLsn() == null ? 0 : primary.currentLsn().value());
  }

  /**
   * The WAL senders, each with the position since which it is known synchronous. The probe reads
   * pg_stat_replication before the WAL position, so a connection seen synchronous was so before
   * that position was read.
   */
  private List<StandbyConnection> observe(PostgresStatus primary, long position) {
    OptionalLong quorumSince = quorumSince(position);
    Set<Integer> synchronous = new HashSet<>();
    List<StandbyConnection> standbys = new ArrayList<>();
    for (ReplicationConnection r : primary.replication()) {
      if (r.applicationName() == null) {
        continue;
      }
      boolean sync = "sync".equals(r.syncState()) || "quorum".equals(r.syncState());
      OptionalLong since = OptionalLong.empty();
      if (sync) {
        synchronous.add(r.pid());
        since = OptionalLong.of(syncSinceByPid.computeIfAbsent(r.pid(), pid -> position));
        if (namesSeen.quorum()) {
          // Under ANY k a synchronous standby need not have confirmed a given commit: it is known
          // to hold those acknowledged before the setting took effect once it flushed past a
          // position read after that.
          since =
              quorumSince.isEmpty()
                  ? OptionalLong.empty()
                  : OptionalLong.of(Math.max(since.getAsLong(), quorumSince.getAsLong()));
        }
      }
      standbys.add(
          new StandbyConnection(
              r.applicationName(),
              r.state(),
              r.syncState(),
              value(r.flushLsn()),
              since,
              value(r.replayLsn())));
    }
    syncSinceByPid.keySet().retainAll(synchronous);
    return standbys;
  }

  /**
   * The position read at least {@link #QUORUM_SETTLE_NANOS} after the current setting was first
   * seen; empty before. An agent that starts does not know when the setting was made: it waits as
   * well.
   */
  private OptionalLong quorumSince(long position) {
    StandbyNames names = current();
    long now = System.nanoTime();
    if (!names.equals(namesSeen)) {
      namesSeen = names;
      namesSeenAtNanos = now;
      namesSincePosition = OptionalLong.empty();
    }
    if (namesSincePosition.isEmpty() && now - namesSeenAtNanos >= QUORUM_SETTLE_NANOS) {
      namesSincePosition = OptionalLong.of(position);
    }
    return namesSincePosition;
  }

  private static long value(Lsn lsn) {
    return lsn == null ? -1 : lsn.value();
  }

  private boolean apply(SyncPlan plan) {
    if (!plan.isActive()) {
      if (!plan.reason().equals(lastReason)) {
        LOG.debug("[{}] {}", name, plan.reason());
        lastReason = plan.reason();
      }
      return true;
    }
    LOG.info("[{}] {}", name, plan.reason());
    lastReason = plan.reason();
    try {
      for (SyncStep step : plan.steps()) {
        if (!perform(step)) {
          LOG.info(
              "[{}] the sync key changed meanwhile (another writer, or our own earlier write not"
                  + " yet seen): deciding again next cycle",
              name);
          lastReason = "";
          return false;
        }
      }
      return true;
    } catch (DcsException | PostgresControlException e) {
      LOG.warn("[{}] synchronous replication step failed: {}", name, e.getMessage());
      lastReason = "";
      return false;
    }
  }

  private boolean perform(SyncStep step) throws DcsException {
    if (step instanceof SyncStep.WriteSyncKey w) {
      return dcs.writeSync(w.sync(), w.expectedRevision());
    }
    if (step instanceof SyncStep.ClearSyncKey c) {
      return dcs.clearSync(c.expectedRevision());
    }
    SyncStep.SetStandbyNames s = (SyncStep.SetStandbyNames) step;
    postgres.replication().setSynchronousStandbys(toSetting(s.names()));
    return true;
  }

  private static boolean namesNewStandbys(SyncPlan plan) {
    return plan.steps().stream()
        .anyMatch(s -> s instanceof SyncStep.SetStandbyNames n && !n.names().names().isEmpty());
  }

  /** What synchronous_standby_names says now, for the cycle's observation. */
  StandbyNames current() {
    SynchronousStandbys set = postgres.replication().synchronousStandbys();
    if (set.count() == 0) {
      return StandbyNames.none();
    }
    if (set.method() == SynchronousStandbys.Method.ANY && !set.isAnyStandby()) {
      return StandbyNames.quorum(set.count(), set.names());
    }
    if (set.isAnyStandby() || set.count() != set.names().size()) {
      // Not every name is waited for: none of them is known to have every commit.
      return StandbyNames.any();
    }
    return StandbyNames.of(set.names());
  }

  static SynchronousStandbys toSetting(StandbyNames names) {
    if (names.anyStandby()) {
      return SynchronousStandbys.anyStandby();
    }
    if (names.isNone()) {
      return SynchronousStandbys.none();
    }
    if (names.quorum()) {
      return SynchronousStandbys.any(names.count(), names.names());
    }
    return SynchronousStandbys.first(names.names().size(), names.names());
  }
}
