package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the router asks replicas in the background, never on a caller's thread, each call bounded by
 * the pool's connection timeout: their replay backlog, and whether a replica whose read failed
 * answers again.
 */
final class ReplicaChecks {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaChecks.class);
  private static final String REPLAY_BACKLOG_QUERY =
      "select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()),"
          + " 0)::bigint";

  private final MemberPoolSettings config;
  private final PoolRegistry pools;
  private final Executor networkTimeoutExecutor;

  ReplicaChecks(MemberPoolSettings config, PoolRegistry pools, Executor networkTimeoutExecutor) {
    this.config = config;
    this.pools = pools;
    this.networkTimeoutExecutor = networkTimeoutExecutor;
  }

  /**
   * Patroni 3.x reports a replica's received position, so a replica that stops replaying looks
   * current: asks each replica that takes reads for its replay backlog. A replica that cannot be
   * asked keeps its last known backlog (forgetting it would put a lagging replica back into
   * rotation just because it was slow to answer); one that does not answer at all is handed to
   * {@code failed}.
   *
   * @return the backlog by member name
   */
  Map<String, Long> replayBacklog(
      RoutingTable current, Map<String, Long> known, Consumer<MemberPool> failed) {
    Map<String, Long> backlog = new HashMap<>();
    for (Member m : current.topology().replicas()) {
      Long last = known.get(m.name());
      if (last != null) {
        backlog.put(m.name(), last);
      }
    }
    for (Member m : current.topology().replicas()) {
      MemberPool pool = pools.find(m);
      if (pool == null || !pool.takesReads() || !m.isRunning()) {
        continue;
      }
      try (Connection c = pool.borrow()) {
        // A hung replica must not hold this thread: the probe gets the borrow's bound.
        c.setNetworkTimeout(networkTimeoutExecutor, (int) config.connectionTimeout().toMillis());
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(REPLAY_BACKLOG_QUERY)) {
          if (rs.next()) {
            backlog.put(m.name(), rs.getLong(1));
          }
        }
      } catch (SQLException e) {
        LOG.debug("replay backlog probe of {} failed: {}", m.name(), e.getMessage());
        if (Failures.isServerGone(e) || noConnectionInTime(e, pool)) {
          LOG.info(
              "[{}] replica {} did not answer the replay probe ({}); no reads for it until it"
                  + " answers again",
              config.poolName(),
              m.name(),
              e.getMessage());
          failed.accept(pool);
        }
      }
    }
    return backlog;
  }

  /**
   * The pool gave no connection within its bound although it had room for one: its idle ones failed
   * their check and no new one opened in time. That is a server that does not answer (a hung host);
   * HikariCP's timeout then carries no SQLState, unlike a refused connection.
   */
  private static boolean noConnectionInTime(SQLException e, MemberPool pool) {
    return e instanceof SQLTransientConnectionException && !pool.saturated();
  }

  /**
   * Gives reads back to failed replicas that answer again (a borrow and a validity check).
   *
   * @return whether any replica got its reads back
   */
  boolean recheckFailed(RoutingTable current) {
    boolean changed = false;
    for (Member m : current.topology().replicas()) {
      MemberPool pool = pools.find(m);
      if (pool == null || pool.takesReads() || !m.isRunning()) {
        continue;
      }
      try (Connection c = pool.borrow()) {
        if (c.isValid((int) Math.max(1, config.connectionTimeout().toSeconds()))
            && pool.markReadable()) {
          LOG.info("[{}] replica {} answers again; it may take reads", config.poolName(), m.name());
          changed = true;
        }
      } catch (SQLException e) {
        LOG.debug("replica {} still does not answer: {}", m.name(), e.getMessage());
      }
    }
    return changed;
  }
}
