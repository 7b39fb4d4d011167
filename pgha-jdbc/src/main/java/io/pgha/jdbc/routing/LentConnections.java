package io.pgha.jdbc.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical connections lent out now, each with its member's pool and the role it was lent for.
 * When the topology changes, those whose member no longer qualifies for that role are aborted
 * ({@link Connection#abort}, on an executor of their own): a statement blocked on a hung server
 * returns at once with an I/O error, raised as a failover, and the pool replaces the connection. No
 * statement outlives its member's place in the topology.
 */
final class LentConnections implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LentConnections.class);

  /**
   * One physical connection lent to a caller.
   *
   * @param connection the pool's connection
   * @param pool where it comes from
   * @param asLeader lent from the leader's pool (writes, and reads that fell back to the leader):
   *     it qualifies while its member holds the leader key; otherwise while its member takes reads
   */
  record Lease(Connection connection, MemberPool pool, boolean asLeader, AtomicBoolean aborted) {
    Lease(Connection connection, MemberPool pool, boolean asLeader) {
      this(connection, pool, asLeader, new AtomicBoolean());
    }
  }

  private final String poolName;
  private final Set<Lease> lent = ConcurrentHashMap.newKeySet();
  private final ExecutorService aborter;

  LentConnections(String poolName) {
    this.poolName = poolName;
    this.aborter =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "pgha-abort " + poolName);
              t.setDaemon(true);
              return t;
            });
  }

  /** Records {@code lease} as lent out. */
  void lend(Lease lease) {
    lent.add(lease);
  }

  /** Records that {@code lease} came back (or broke); it is not aborted from now on. */
  void giveBack(Lease lease) {
    lent.remove(lease);
  }

  /** Aborts every lent connection whose member no longer qualifies in {@code table}. */
  void abortUnqualified(RoutingTable table) {
    for (Lease lease : lent) {
      if (!table.qualifies(lease.pool(), lease.asLeader())) {
        abort(lease, table);
      }
    }
  }

  /** How many connections are lent out now. */
  int size() {
    return lent.size();
  }

  private void abort(Lease lease, RoutingTable table) {
    if (!lease.aborted().compareAndSet(false, true)) {
      return;
    }
    lent.remove(lease);
    LOG.info(
        "[{}] aborting a connection lent {} on {}: {}",
        poolName,
        lease.asLeader() ? "as the leader's" : "for reads",
        lease.pool().name(),
        lease.asLeader()
            ? "it no longer holds the leader key (leader key: "
                + table.topology().leaderName()
                + ")"
            : "it left the read set");
    try {
      // The driver closes the socket on the executor: the caller blocked on it gets an I/O error.
      lease.connection().abort(aborter);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("[{}] cannot abort a connection on {}: {}", poolName, lease.pool().name(), e);
    }
  }

  @Override
  public void close() {
    lent.clear();
    aborter.shutdown();
  }
}
