package io.pgha.benchmarks;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RtoPreset;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.dcs.LeaseStatus;
import io.pgha.core.dcs.LeaseTimeToLive;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Leader;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a simulated cluster: pgha's real DCS layer ({@link EtcdDcs}: its own etcd client,
 * or the client of {@code shareClientOf} with a lease, keys and watch of its own; the lease renewed
 * every 250 ms on the leader and ten times per ttl on the others, the leader's confirming read
 * after each renewal, the watch on the cluster's keys), driven by the etcd calls of the agent's HA
 * cycle, with PostgreSQL replaced by a WAL position that moves every cycle (a busy cluster: every
 * member key changes every cycle).
 *
 * <p>Per cycle ({@code loop_wait}) as {@code HaLoop} and {@code MemberPublisher} do it: {@code
 * refresh} (a linearizable read of the cluster's keys); the leader {@code renewLeader} (a
 * keep-alive, then a txn on the leader key); {@code updateMember}; the leader {@code writeStatus}.
 * In synchronous mode the standby named in the {@code sync} key also reads the leader's lease
 * ({@code LeaseTimeToLive}) every 250 ms, as {@code LeaderSilenceWatch} does. Member 0 bootstraps
 * the cluster (initialize, config, leader key, and in synchronous mode the sync key naming member
 * 1); nothing else ever moves the leader, so any lease or leadership lost is the fleet's fault.
 */
final class FleetMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMember.class);

  /** How often every member's renewal age is sampled. */
  static final long AGE_SAMPLE_MILLIS = 50;

  /** The WAL a busy member writes per cycle: any change rewrites the member key. */
  private static final long WAL_PER_CYCLE = 1 << 20;

  final String scope;
  final int index;
  final String name;
  private final RtoPreset preset;
  private final boolean sync;
  private final FleetRecorder recorder;
  private final EtcdDcs dcs;
  private final AutoCloseable lostListener;
  private long position = 0x3000000L;
  private long knownLease;
  private long reportedDeadline;
  private volatile long silenceTarget;
  private volatile boolean bootstrapped;

  FleetMember(
      List<String> endpoints,
      String scope,
      int index,
      RtoPreset preset,
      boolean sync,
      FleetRecorder recorder,
      FleetMember shareClientOf) {
    this.scope = scope;
    this.index = index;
    this.name = scope + "-" + index;
    this.preset = preset;
    this.sync = sync;
    this.recorder = recorder;
    PghaConfig config =
        PghaConfig.builder()
            .scope(scope)
            .name(name)
            .etcdEndpoints(endpoints)
            .preset(preset)
            // Required by the configuration, never used: there is no PostgreSQL here.
            .postgresDataDir(Path.of("/nonexistent", name))
            .postgresListen("10.0." + (index + 1) + ".1:5432")
            .build();
    this.dcs =
        shareClientOf == null
            ? EtcdDcs.connect(config, name)
            : EtcdDcs.connectSharing(config, name, shareClientOf.dcs);
    this.lostListener =
        dcs.onLeadershipLost(
            (reason, atNanos) -> {
              recorder.leadershipLost.increment();
              LOG.warn("[{}] lost the leadership: {}", name, reason);
            });
  }

  /** Whether this member's cluster is set up as planned: its leader and (sync) standby in place. */
  boolean ready() {
    ClusterView view = dcs.view();
    boolean members = view.members().size() == 3 && view.leader().isPresent();
    return members && (!sync || index != 1 || silenceTarget != 0);
  }

  /** What this member sees of its cluster, for a log line. */
  String describe() {
    ClusterView view = dcs.view();
    return name
        + ": members "
        + view.members().keySet()
        + ", leader "
        + view.leader().map(Leader::name).orElse("none")
        + ", sync "
        + view.sync().map(SyncState::syncStandbys).orElse(List.of())
        + ", watching lease "
        + Long.toHexString(silenceTarget);
  }

  /** One HA cycle's etcd calls. Runs on a pool thread every {@code loop_wait}. */
  void cycle() {
    try {
      long t = System.nanoTime();
      ClusterView view = dcs.refresh();
      recorder.refresh.add(System.nanoTime() - t);
      if (index == 0 && !bootstrapped) {
        bootstrap(view);
        view = dcs.refresh();
      }
      boolean leads = view.isLeader(name);
      if (leads) {
        t = System.nanoTime();
        dcs.renewLeader();
        recorder.leaderKey.add(System.nanoTime() - t);
      }
      position += WAL_PER_CYCLE;
      t = System.nanoTime();
      dcs.updateMember(member(leads));
      recorder.memberKey.add(System.nanoTime() - t);
      if (leads) {
        dcs.writeStatus(ClusterStatus.ofOptime(position));
      }
      silenceTarget = sync ? leaderLeaseToWatch(view) : 0;
    } catch (DcsException | RuntimeException e) {
      recorder.callErrors.increment();
      LOG.debug("[{}] cycle: {}", name, e.toString());
    }
    noteLease();
  }

  private void bootstrap(ClusterView view) throws DcsException {
    if (view.initialize().isEmpty()) {
      dcs.claimInitialize("7000000000000000" + index);
    }
    if (view.config().isEmpty()) {
      dcs.writeConfig(
          DynamicConfig.builder()
              .ttl((int) preset.timings().ttl().toSeconds())
              .loopWait((int) preset.timings().loopWait().toSeconds())
              .retryTimeout((int) preset.timings().retryTimeout().toSeconds())
              .synchronousMode(sync ? SynchronousMode.ON : SynchronousMode.OFF)
              .build(),
          Dcs.ABSENT);
    }
    if (view.leader().isEmpty() && !dcs.acquireLeader()) {
      return;
    }
    if (sync && view.sync().isEmpty()) {
      dcs.writeSync(SyncState.of(name, List.of(scope + "-1")), Dcs.ABSENT);
    }
    bootstrapped = true;
  }

  /** The leader's lease when the sync key of another leader names this member, else 0. */
  private long leaderLeaseToWatch(ClusterView view) {
    Optional<Leader> leader = view.leader().filter(l -> !l.isHeldBy(name) && l.lease() != 0);
    boolean standby =
        leader.isPresent()
            && view.sync()
                .filter(s -> s.leader().filter(leader.get().name()::equals).isPresent())
                .filter(s -> s.isSyncStandby(name))
                .isPresent();
    return standby ? leader.get().lease() : 0;
  }

  /** The synchronous standby's read of the leader's lease; every 250 ms with a fixed delay. */
  void pollLeaderLease() {
    long lease = silenceTarget;
    if (lease == 0) {
      return;
    }
    long t = System.nanoTime();
    try {
      LeaseTimeToLive ttl = dcs.leaseTimeToLive(lease);
      recorder.leaseRead.add(System.nanoTime() - t);
      if (ttl.gone()) {
        LOG.warn("[{}] the leader's lease {} is gone", name, Long.toHexString(lease));
      }
    } catch (DcsException | RuntimeException e) {
      recorder.callErrors.increment();
      LOG.debug("[{}] reading the leader's lease: {}", name, e.toString());
    }
  }

  /** The member's lease now, 0 if none. */
  long leaseId() {
    return dcs.leaseStatus().leaseId();
  }

  /** Samples the age of the last confirmed renewal and whether the deadline passed. */
  void sampleLease(long now) {
    LeaseStatus s = dcs.leaseStatus();
    if (s.leaseId() == 0) {
      return;
    }
    recorder.renewalAge.add(now - s.lastConfirmedSendNanos());
    synchronized (this) {
      if (!s.isValidAt(now) && reportedDeadline != s.deadlineNanos()) {
        reportedDeadline = s.deadlineNanos();
        recorder.deadlinesPassed.increment();
      }
    }
  }

  /** Counts a change of lease: LeaseKeeper grants a new one only when the old one is gone. */
  private synchronized void noteLease() {
    long lease = dcs.leaseStatus().leaseId();
    if (lease == 0 || lease == knownLease) {
      return;
    }
    if (knownLease != 0) {
      recorder.leasesLost.increment();
      LOG.warn(
          "[{}] lease {} replaced by {}",
          name,
          Long.toHexString(knownLease),
          Long.toHexString(lease));
    }
    knownLease = lease;
  }

  private Member member(boolean leads) {
    Member.Builder b =
        Member.builder(name)
            .connUrl("postgres://10.0." + (index + 1) + ".1:5432/postgres")
            .apiUrl("http://10.0." + (index + 1) + ".1:8008/patroni")
            .state("running")
            .role(leads ? Role.PRIMARY : Role.REPLICA)
            .version("4.0.0")
            .timeline(1)
            .xlogLocation(position);
    if (!leads) {
      b.replicationState("streaming");
    }
    return b.build();
  }

  @Override
  public void close() {
    try {
      lostListener.close();
    } catch (Exception e) {
      LOG.debug("[{}] {}", name, e.toString());
    }
    dcs.close();
  }
}
