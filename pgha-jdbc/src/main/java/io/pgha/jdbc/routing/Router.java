package io.pgha.jdbc.routing;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.Topology;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes connections by the current {@link RoutingTable}. Topology changes arrive on the source's
 * thread: the {@link PoolRegistry} follows the members, the {@link RoutingPolicy} computes the
 * table, the {@link LeaderWait} installs it (waking the writes that wait) and {@link
 * LentConnections} aborts what no longer qualifies. Callers only read the volatile table, except
 * writes that wait, bounded, for a leader to appear.
 */
final class Router implements Routing {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** How often a write held back by a promoting leader asks it again. */
  private static final long PROMOTION_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final RoutingSettings config;
  private final PghaMetrics metrics;
  private final PoolRegistry pools;
  private final LeaderWait leaderWait;
  private final LentConnections lent;
  private final ReplicaChecks replicaChecks;
  private final PromotionGate promotion = new PromotionGate();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final ScheduledExecutorService housekeeping;
  private volatile boolean closed;
  private volatile Map<String, Long> replayBacklog = Map.of();

  Router(RoutingSettings config) {
    this.config = config;
    this.metrics = config.metrics();
    this.pools = new PoolRegistry(config.pools());
    this.leaderWait = new LeaderWait(config.leaderWaitTimeout(), metrics);
    this.lent = new LentConnections(config.poolName());
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pgha-router-housekeeping " + config.poolName());
              t.setDaemon(true);
              return t;
            });
    this.replicaChecks = new ReplicaChecks(config.pools(), pools, housekeeping);
    housekeeping.scheduleWithFixedDelay(() -> pools.closeAbsent(this), 5, 5, TimeUnit.SECONDS);
    long recheck = config.replicaCircuitOpenDuration().toMillis();
    housekeeping.scheduleWithFixedDelay(
        this::recheckFailedReplicas, recheck, recheck, TimeUnit.MILLISECONDS);
    long probe = config.replayLagProbeInterval().toMillis();
    if (probe > 0) {
      housekeeping.scheduleWithFixedDelay(
          this::probeReplayBacklog, probe, probe, TimeUnit.MILLISECONDS);
    }
  }

  private RoutingTable table() {
    return leaderWait.table();
  }

  @Override
  public Topology topology() {
    return table().topology();
  }

  @Override
  public List<String> readableReplicas() {
    return table().readable().stream().map(t -> t.member().name()).toList();
  }

  @Override
  public List<PoolState> poolStates() {
    RoutingTable current = table();
    List<PoolState> states = new ArrayList<>();
    for (Member m : current.topology().members()) {
      MemberPool pool = pools.find(m);
      if (pool == null) {
        continue;
      }
      boolean leader = current.leader() != null && current.leader().pool() == pool;
      long lag = leader ? Member.UNKNOWN_LAG : RoutingPolicy.effectiveLag(m, replayBacklog);
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

  @Override
  public Map<String, HikariPoolMXBean> memberPools() {
    RoutingTable current = table();
    Map<String, HikariPoolMXBean> byMember = new LinkedHashMap<>();
    if (current.leader() != null) {
      byMember.put(current.leader().member().name(), current.leader().pool().mxBean());
    }
    for (Member m : current.topology().members()) {
      MemberPool pool = pools.find(m);
      if (pool != null) {
        byMember.putIfAbsent(m.name(), pool.mxBean());
      }
    }
    return Collections.unmodifiableMap(byMember);
  }

  @Override
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
    RoutingTable.Target leader = table().leader();
    return leader != null && leader.pool() == pool;
  }

  /** Whether {@link #close()} was called: every connection handed out is dead then. */
  boolean isClosed() {
    return closed;
  }

  @Override
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
      if (table().qualifies(b.pool(), b.fromLeader()) || attempt == 3) {
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

  private Borrowed borrow(boolean readOnly) throws SQLException {
    if (readOnly) {
      RoutingTable current = table();
      if (!current.readable().isEmpty()) {
        Borrowed b = borrowReplica(current);
        if (b != null) {
          return b;
        }
      }
      if (!config.fallbackToLeader()) {
        throw Failures.noTarget(
            "no replica qualifies for reads and fallbackToLeader is off ("
                + LeaderWait.describe(current)
                + ")",
            null);
      }
      Borrowed b = borrowLeader(System.nanoTime());
      metrics.routed(b.pool().name(), true, true);
      return b;
    }
    Borrowed b = writableLeader(borrowLeader(System.nanoTime()));
    metrics.routed(b.pool().name(), false, false);
    return b;
  }

  /**
   * Holds a write back while the leader it was lent a connection of is still promoting ({@link
   * PromotionGate}): the connection goes back and the leader is asked again every few ms, or at
   * once when the table changes, within the leader wait. A write never meets a read-only leader.
   */
  private Borrowed writableLeader(Borrowed lent) throws SQLException {
    if (promotion.confirmed(lent.pool())) {
      return lent;
    }
    long start = System.nanoTime();
    long deadline = start + config.leaderWaitTimeout().toNanos();
    Borrowed b = lent;
    boolean waited = false;
    while (true) {
      RoutingTable current = table();
      try {
        if (promotion.writable(b.pool(), b.connection())) {
          if (waited) {
            metrics.leaderWait(System.nanoTime() - start, true);
          }
          return b;
        }
        b.connection().close();
      } catch (SQLException e) {
        RoutedConnection.closeQuietly(b.connection());
        b = leaderWait.borrowLeader(start, e, current);
        continue;
      }
      waited = true;
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || closed) {
        metrics.leaderWait(System.nanoTime() - start, false);
        throw Failures.noTarget(
            "leader "
                + b.pool().name()
                + " still runs in recovery (promoting) after "
                + config.leaderWaitTimeout().toMillis()
                + "ms ("
                + LeaderWait.describe(current)
                + ")",
            null);
      }
      leaderWait.awaitChange(current, Math.min(remaining, PROMOTION_RECHECK_NANOS));
      b = borrowLeader(start);
    }
  }

  private Borrowed borrowReplica(RoutingTable current) {
    for (RoutingTable.Target target : order(current.readable())) {
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

  /**
   * @param start when the wait for a leader began (a {@link System#nanoTime()} reading)
   */
  private Borrowed borrowLeader(long start) throws SQLException {
    RoutingTable current = table();
    if (current.leader() != null) {
      try {
        return new Borrowed(current.leader().pool().borrow(), current.leader().pool(), true);
      } catch (SQLException e) {
        return leaderWait.borrowLeader(start, e, current);
      }
    }
    return leaderWait.borrowLeader(start, null, current);
  }

  /**
   * A physical connection broke under a caller because its server went away or was demoted.
   * HikariCP already evicts connections that failed with a connection-class or shutdown SQLState;
   * one that met a read-only server goes back to the pool, where the next leader change evicts it
   * (or, on a server that was still promoting, it is simply good). A replica whose read failed
   * leaves the read set at once.
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
   * ReplicaChecks#recheckFailed} reaches it again.
   */
  private void readFailed(MemberPool pool) {
    if (pool.markReadFailed()) {
      reinstall();
    }
  }

  private void recheckFailedReplicas() {
    try {
      if (replicaChecks.recheckFailed(table())) {
        reinstall();
      }
    } catch (RuntimeException e) {
      LOG.warn("[{}] recheck of failed replicas failed", config.poolName(), e);
    }
  }

  private void probeReplayBacklog() {
    try {
      Map<String, Long> backlog =
          replicaChecks.replayBacklog(table(), replayBacklog, this::readFailed);
      synchronized (this) {
        if (!backlog.equals(replayBacklog) && !closed) {
          replayBacklog = Map.copyOf(backlog);
          rebuild(table().topology());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("replay backlog probe failed", e);
    }
  }

  /** Routes the current topology again (a replica's reads or backlog changed). */
  private synchronized void reinstall() {
    if (!closed) {
      rebuild(table().topology());
    }
  }

  private void rebuild(Topology topology) {
    pools.sync(topology, System.nanoTime());
    RoutingTable previous = table();
    RoutingTable next =
        RoutingPolicy.route(
            topology,
            pools::poolOf,
            replayBacklog,
            m -> !pools.poolOf(m).takesReads(),
            config.maxReplicaLagBytes());
    pools.resize(next);
    leaderWait.install(next);
    lent.abortUnqualified(next);
    String before = previous.leaderName();
    String after = next.leaderName();
    if (!Objects.equals(before, after)) {
      promotion.leaderChanged();
      LOG.info(
          "{}: writable leader changed from {} to {}; readable replicas {}",
          config.poolName(),
          before,
          after,
          readableReplicas());
      if (previous.leader() != null) {
        // Idle connections close now; borrowed ones were aborted above or close when returned.
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

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    leaderWait.close();
    housekeeping.shutdownNow();
    lent.close();
    pools.close();
  }
}
