package io.pgha.jdbc.routing;

import io.pgha.jdbc.Member;
import io.pgha.jdbc.MemberRole;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.PghaMetrics;
import io.pgha.jdbc.PoolState;
import io.pgha.jdbc.ReadPolicy;
import io.pgha.jdbc.Topology;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes connections by the current {@link RoutingTable}. Topology changes arrive on the source's
 * thread and rebuild the table; callers only read the volatile table, except writes that wait,
 * bounded, for a leader to appear.
 */
public final class Router implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final long RETRY_SAME_LEADER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long ABSENT_POOL_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final String REPLAY_BACKLOG_QUERY =
      "select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()),"
          + " 0)::bigint";

  private final PghaDataSourceConfig config;
  private final PghaMetrics metrics;
  private final Map<String, MemberPool> pools = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition tableChanged = lock.newCondition();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final ScheduledExecutorService housekeeping;
  private volatile RoutingTable table = RoutingTable.EMPTY;
  private volatile boolean closed;
  private volatile Map<String, Long> replayBacklog = Map.of();
  private final LentConnections lent;

  /** Creates a router with no topology yet; feed it through {@link #onTopology}. */
  public Router(PghaDataSourceConfig config) {
    this.config = config;
    this.metrics = config.metrics();
    this.lent = new LentConnections(config.poolName());
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-router-housekeeping " + config.poolName());
              t.setDaemon(true);
              return t;
            });
    housekeeping.scheduleWithFixedDelay(this::closeAbsentPools, 5, 5, TimeUnit.SECONDS);
    long recheck = config.replicaCircuitOpenDuration().toMillis();
    housekeeping.scheduleWithFixedDelay(
        this::recheckFailedReplicas, recheck, recheck, TimeUnit.MILLISECONDS);
    long probe = config.replayLagProbeInterval().toMillis();
    if (probe > 0) {
      housekeeping.scheduleWithFixedDelay(
          this::probeReplayBacklog, probe, probe, TimeUnit.MILLISECONDS);
    }
  }

  /** The snapshot routing currently uses. */
  public Topology topology() {
    return table.topology();
  }

  /** Names of the replicas that currently qualify for reads. */
  public List<String> readableReplicas() {
    return table.readable().stream().map(t -> t.member().name()).toList();
  }

  /** The pools of the members in the current topology, leader first. */
  public List<PoolState> poolStates() {
    RoutingTable current = table;
    List<PoolState> states = new ArrayList<>();
    for (Member m : current.topology().members()) {
      MemberPool pool = m.hasAddress() ? pools.get(m.name() + "@" + m.address()) : null;
      if (pool == null) {
        continue;
      }
      boolean leader = current.leader() != null && current.leader().pool() == pool;
      long lag = leader ? Member.UNKNOWN_LAG : effectiveLag(m);
      boolean readable = current.readable().stream().anyMatch(t -> t.pool() == pool);
      PoolState state =
          new PoolState(
              m.name(),
              m.address(),
              pool.activeConnections(),
              pool.idleConnections(),
              pool.readCircuit(),
              lag,
              readable,
              leader);
      if (leader) {
        states.add(0, state);
      } else {
        states.add(state);
      }
    }
    return states;
  }

  /** Installs a new topology; called by the topology source's thread. */
  public synchronized void onTopology(Topology topology) {
    if (closed) {
      return;
    }
    rebuild(Objects.requireNonNull(topology));
    metrics.topologyChanged(topology);
  }

  /**
   * Whether new write transactions may start on {@code pool}: it is the writable leader's. False
   * while the leader drains before a hand-over, and after a leader change.
   */
  boolean takesNewWrites(MemberPool pool) {
    RoutingTable.Target leader = table.leader();
    return leader != null && leader.pool() == pool;
  }

  /** Whether {@link #close()} was called: every connection handed out is dead then. */
  boolean isClosed() {
    return closed;
  }

  /** A lazily routed connection (see {@link RoutedConnection}). */
  public Connection newConnection(boolean readOnly) {
    return JdbcProxies.connection(new RoutedConnection(this, readOnly));
  }

  /** A physical connection, where it came from, and whether that is the leader's pool. */
  record Borrowed(Connection connection, MemberPool pool, boolean fromLeader) {}

  /**
   * Lends a physical connection for the given kind of work, recorded so that a topology change
   * aborts it once its member no longer qualifies. Give it back with {@link #giveBack}.
   */
  LentConnections.Lease lend(boolean readOnly) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      Borrowed b = borrow(readOnly);
      LentConnections.Lease lease =
          new LentConnections.Lease(b.connection(), b.pool(), b.fromLeader());
      lent.lend(lease);
      // A table installed while we borrowed did not see this lease: check it against it here.
      if (table.qualifies(b.pool(), b.fromLeader()) || attempt == 3) {
        return lease;
      }
      giveBack(lease);
      b.connection().close();
    }
  }

  /** The connection of {@code lease} came back or broke: no abort for it from now on. */
  void giveBack(LentConnections.Lease lease) {
    lent.giveBack(lease);
  }

  /** Borrows a physical connection for the given kind of work. */
  Borrowed borrow(boolean readOnly) throws SQLException {
    if (readOnly) {
      RoutingTable current = table;
      if (!current.readable().isEmpty()) {
        Borrowed b = borrowReplica(current);
        if (b != null) {
          return b;
        }
      }
      if (!config.fallbackToLeader()) {
        throw Failures.noTarget(
            "no replica qualifies for reads and fallbackToLeader is off ("
                + describe(current)
                + ")",
            null);
      }
      Borrowed b = borrowLeader();
      metrics.routed(b.pool().name(), true, true);
      return b;
    }
    Borrowed b = borrowLeader();
    metrics.routed(b.pool().name(), false, false);
    return b;
  }

  private Borrowed borrowReplica(RoutingTable current) {
    List<RoutingTable.Target> candidates = order(current.readable());
    for (RoutingTable.Target target : candidates) {
      if (!target.pool().takesReads()) {
        continue; // failed since this table was built
      }
      try {
        Connection c = target.pool().borrow();
        metrics.routed(target.pool().name(), true, false);
        return new Borrowed(c, target.pool(), false);
      } catch (SQLException e) {
        LOG.info(
            "[{}] replica {} gave no connection ({}); no reads for it until it answers again",
            config.poolName(),
            target.member().name(),
            e.getMessage());
        readFailed(target.pool());
      }
    }
    return null;
  }

  private List<RoutingTable.Target> order(List<RoutingTable.Target> readable) {
    int n = readable.size();
    int start = Math.floorMod(roundRobin.getAndIncrement(), n);
    if (n == 1) {
      return readable;
    }
    List<RoutingTable.Target> rotated = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rotated.add(readable.get((start + i) % n));
    }
    ReadPolicy policy = config.readPolicy();
    if (policy == ReadPolicy.LEAST_CONNECTIONS) {
      // Stable sort: equal counts keep the rotation, so ties are spread round robin.
      rotated.sort(Comparator.comparingInt(t -> t.pool().activeConnections()));
    } else if (policy == ReadPolicy.LEAST_LAG) {
      rotated.sort(Comparator.comparingLong(t -> t.lagBytes() < 0 ? Long.MAX_VALUE : t.lagBytes()));
    }
    return rotated;
  }

  private Borrowed borrowLeader() throws SQLException {
    RoutingTable current = table;
    if (current.leader() != null) {
      try {
        return new Borrowed(current.leader().pool().borrow(), current.leader().pool(), true);
      } catch (SQLException e) {
        return waitForLeader(System.nanoTime(), e);
      }
    }
    return waitForLeader(System.nanoTime(), null);
  }

  /** Slow path: no leader, or its pool failed. Waits for a (new) leader within the bound. */
  private Borrowed waitForLeader(long start, SQLException firstFailure) throws SQLException {
    long deadline = start + config.leaderWaitTimeout().toNanos();
    SQLException last = firstFailure;
    RoutingTable seen = last == null ? null : table;
    while (true) {
      RoutingTable current = table;
      if (current.leader() != null && current != seen) {
        try {
          Connection c = current.leader().pool().borrow();
          metrics.leaderWait(System.nanoTime() - start, true);
          return new Borrowed(c, current.leader().pool(), true);
        } catch (SQLException e) {
          last = e;
          seen = current;
        }
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || closed) {
        metrics.leaderWait(System.nanoTime() - start, false);
        throw Failures.noTarget(
            "no writable leader within "
                + config.leaderWaitTimeout().toMillis()
                + "ms ("
                + describe(current)
                + ")",
            last);
      }
      // Same table: a failing leader is retried at a short interval; otherwise wake on change.
      boolean retrySameLeader = current.leader() != null;
      awaitChange(
          current, retrySameLeader ? Math.min(remaining, RETRY_SAME_LEADER_NANOS) : remaining);
      if (retrySameLeader) {
        seen = null;
      }
    }
  }

  private void awaitChange(RoutingTable current, long nanos) throws SQLException {
    lock.lock();
    try {
      long left = nanos;
      while (table == current && left > 0 && !closed) {
        left = tableChanged.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.noTarget("interrupted while waiting for a leader", null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A physical connection broke under a caller because its server went away or was demoted.
   * HikariCP already evicts connections that failed with a connection-class or shutdown SQLState;
   * one that met a read-only server goes back to the pool, where the next leader change evicts it
   * (or, on a server that was still promoting, it is simply good).
   */
  void reportBroken(MemberPool pool, boolean readOnly, String raisedState) {
    if (readOnly) {
      readFailed(pool);
    }
    metrics.failover(pool.name(), raisedState);
  }

  /**
   * A read on {@code pool} failed because its server went away or did not answer: it leaves the
   * read set at once (the next read goes elsewhere without waiting) until {@link
   * #recheckFailedReplicas} reaches it again.
   */
  private void readFailed(MemberPool pool) {
    if (pool.markReadFailed()) {
      synchronized (this) {
        if (!closed) {
          rebuild(table.topology());
        }
      }
    }
  }

  /**
   * Gives reads back to failed replicas that answer again: a borrow and a validity check, on the
   * housekeeping thread (bounded by the pool's connection timeout), never on a caller's.
   */
  private void recheckFailedReplicas() {
    try {
      boolean changed = false;
      for (Member m : table.topology().replicas()) {
        MemberPool pool = m.hasAddress() ? pools.get(m.name() + "@" + m.address()) : null;
        if (pool == null || pool.takesReads() || !m.isRunning()) {
          continue;
        }
        try (Connection c = pool.borrow()) {
          if (c.isValid((int) Math.max(1, config.connectionTimeout().toSeconds()))) {
            LOG.info(
                "[{}] replica {} answers again; it may take reads", config.poolName(), m.name());
            pool.markReadable();
            changed = true;
          }
        } catch (SQLException e) {
          LOG.debug("replica {} still does not answer: {}", m.name(), e.getMessage());
        }
      }
      if (changed) {
        synchronized (this) {
          if (!closed) {
            rebuild(table.topology());
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("[{}] recheck of failed replicas failed", config.poolName(), e);
    }
  }

  private void rebuild(Topology topology) {
    long now = System.nanoTime();
    Set<String> present = new HashSet<>();
    Map<String, MemberPool> byName = new HashMap<>();
    for (Member m : topology.members()) {
      if (!m.hasAddress()) {
        continue;
      }
      String key = m.name() + "@" + m.address();
      present.add(key);
      MemberPool pool = pools.computeIfAbsent(key, k -> new MemberPool(m, config));
      pool.markPresent();
      byName.put(m.name(), pool);
    }
    for (Map.Entry<String, MemberPool> e : pools.entrySet()) {
      if (!present.contains(e.getKey()) && e.getValue().absentSinceNanos() < 0) {
        LOG.info(
            "{}: member {} left the topology; evicting its pool",
            config.poolName(),
            e.getValue().name());
        e.getValue().softEvict();
        e.getValue().markAbsent(now);
      }
    }
    RoutingTable.Target leader =
        topology
            .writableLeader()
            .map(m -> new RoutingTable.Target(m, byName.get(m.name()), 0))
            .orElse(null);
    if (leader != null) {
      leader.pool().resize(config.leaderMaximumPoolSize());
    }
    List<RoutingTable.Target> streaming = new ArrayList<>();
    List<RoutingTable.Target> disconnected = new ArrayList<>();
    for (Member m : topology.members()) {
      if (m.role() != MemberRole.REPLICA || !m.hasAddress()) {
        continue;
      }
      if (leader != null && leader.member().name().equals(m.name())) {
        continue; // promoting: it takes writes now
      }
      MemberPool pool = byName.get(m.name());
      pool.resize(config.replicaMaximumPoolSize());
      long lag = effectiveLag(m);
      if (!m.isRunning() || m.isNoLoadBalance() || !pool.takesReads()) {
        continue;
      }
      if (config.maxReplicaLagBytes() >= 0 && lag > config.maxReplicaLagBytes()) {
        continue;
      }
      (m.streaming() ? streaming : disconnected).add(new RoutingTable.Target(m, pool, lag));
    }
    // A replica that lost its stream while others stream may be falling behind: no reads for it.
    // When every replica lost it at once, the primary is the one that went away; until a new one
    // is promoted, their data is the latest the cluster has, so reads keep going to them.
    List<RoutingTable.Target> readable = streaming.isEmpty() ? disconnected : streaming;
    RoutingTable previous = table;
    RoutingTable next = new RoutingTable(topology, leader, List.copyOf(readable));
    lock.lock();
    try {
      table = next;
      tableChanged.signalAll();
    } finally {
      lock.unlock();
    }
    lent.abortUnqualified(next);
    String before = previous.leaderName();
    String after = next.leaderName();
    if (!Objects.equals(before, after)) {
      LOG.info(
          "{}: writable leader changed from {} to {}; readable replicas {}",
          config.poolName(),
          before,
          after,
          readableReplicas());
      if (previous.leader() != null) {
        // Idle connections close now, borrowed ones when they come back.
        previous.leader().pool().softEvict();
      }
      metrics.leaderChanged(before, after);
    }
    List<String> readableBefore = previous.readable().stream().map(t -> t.member().name()).toList();
    if (!readableBefore.equals(readableReplicas())) {
      LOG.info(
          "{}: replicas taking reads: {} (were {})",
          config.poolName(),
          readableReplicas(),
          readableBefore);
    }
  }

  private long effectiveLag(Member m) {
    Long backlog = replayBacklog.get(m.name());
    if (backlog == null) {
      return m.lagBytes();
    }
    return Math.max(m.lagBytes(), backlog);
  }

  /**
   * Patroni 3.x reports a replica's received position, so a replica that stops replaying looks
   * current. Asking each replica for its replay backlog closes that gap.
   */
  private void probeReplayBacklog() {
    try {
      RoutingTable current = table;
      // A replica that cannot be asked keeps its last known backlog: forgetting it would put a
      // lagging replica back into rotation just because it was slow to answer.
      Map<String, Long> backlog = new HashMap<>();
      for (Member m : current.topology().replicas()) {
        Long known = replayBacklog.get(m.name());
        if (known != null) {
          backlog.put(m.name(), known);
        }
      }
      for (Member m : current.topology().replicas()) {
        MemberPool pool = m.hasAddress() ? pools.get(m.name() + "@" + m.address()) : null;
        if (pool == null || !pool.takesReads() || !m.isRunning()) {
          continue;
        }
        try (Connection c = pool.borrow()) {
          // A hung replica must not hold this thread: the probe gets the borrow's bound.
          c.setNetworkTimeout(housekeeping, (int) config.connectionTimeout().toMillis());
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(REPLAY_BACKLOG_QUERY)) {
            if (rs.next()) {
              backlog.put(m.name(), rs.getLong(1));
            }
          }
        } catch (SQLException e) {
          LOG.debug("replay backlog probe of {} failed: {}", m.name(), e.getMessage());
          if (Failures.isServerGone(e)) {
            LOG.info(
                "[{}] replica {} did not answer the replay probe ({}); no reads for it until it"
                    + " answers again",
                config.poolName(),
                m.name(),
                e.getMessage());
            readFailed(pool);
          }
        }
      }
      synchronized (this) {
        if (!backlog.equals(replayBacklog) && !closed) {
          replayBacklog = Map.copyOf(backlog);
          rebuild(table.topology());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("replay backlog probe failed", e);
    }
  }

  private void closeAbsentPools() {
    long now = System.nanoTime();
    for (Iterator<Map.Entry<String, MemberPool>> it = pools.entrySet().iterator(); it.hasNext(); ) {
      MemberPool pool = it.next().getValue();
      long since = pool.absentSinceNanos();
      if (since >= 0 && now - since > ABSENT_POOL_CLOSE_NANOS) {
        synchronized (this) {
          if (pool.absentSinceNanos() >= 0) {
            LOG.info(
                "{}: closing the pool of member {}: absent for 30s",
                config.poolName(),
                pool.name());
            it.remove();
            pool.close();
          }
        }
      }
    }
  }

  private static String describe(RoutingTable t) {
    StringBuilder sb = new StringBuilder("leader key: ");
    sb.append(t.topology().leaderName() == null ? "none" : t.topology().leaderName());
    sb.append(", members:");
    for (Member m : t.topology().members()) {
      sb.append(' ')
          .append(m.name())
          .append('=')
          .append(m.role().name().toLowerCase(java.util.Locale.ROOT))
          .append('/')
          .append(m.state());
      if (m.role() == MemberRole.REPLICA) {
        sb.append("/lag ").append(m.lagBytes());
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    lock.lock();
    try {
      tableChanged.signalAll();
    } finally {
      lock.unlock();
    }
    housekeeping.shutdownNow();
    lent.close();
    pools.values().forEach(MemberPool::close);
    pools.clear();
  }
}
