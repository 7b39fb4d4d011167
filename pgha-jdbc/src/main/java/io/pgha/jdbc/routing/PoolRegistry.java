package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link MemberPool} per member ({@code name@address}): created when the member appears,
 * soft-evicted when it leaves the topology, closed after it has been absent for 30 s, sized by its
 * role.
 */
final class PoolRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PoolRegistry.class);
  private static final long ABSENT_POOL_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final MemberPoolSettings config;
  private final Map<String, MemberPool> pools = new ConcurrentHashMap<>();

  PoolRegistry(MemberPoolSettings config) {
    this.config = config;
  }

  /** The pool of {@code m}, if it has an address and a pool. */
  MemberPool find(Member m) {
    return m.hasAddress() ? pools.get(key(m)) : null;
  }

  /** The pool of {@code m} (which has an address), created if needed. */
  MemberPool poolOf(Member m) {
    return pools.computeIfAbsent(key(m), k -> new MemberPool(m, config));
  }

  /**
   * Brings the pools in line with {@code topology}: a pool for every member with an address, and
   * members that left it evicted (idle connections closed now) and marked absent.
   */
  void sync(Topology topology, long nowNanos) {
    Set<String> present = new HashSet<>();
    for (Member m : topology.members()) {
      if (m.hasAddress()) {
        present.add(key(m));
        poolOf(m).markPresent();
      }
    }
    for (Map.Entry<String, MemberPool> e : pools.entrySet()) {
      if (!present.contains(e.getKey()) && e.getValue().absentSinceNanos() < 0) {
        LOG.info(
            "{}: member {} left the topology; evicting its pool",
            config.poolName(),
            e.getValue().name());
        e.getValue().softEvict();
        e.getValue().markAbsent(nowNanos);
      }
    }
  }

  /** Sizes the leader's pool and the replicas' pools by their role in {@code table}. */
  void resize(RoutingTable table) {
    if (table.leader() != null) {
      table.leader().pool().resize(config.leaderMaximumPoolSize());
    }
    for (Member m : table.topology().members()) {
      if (m.role() == MemberRole.REPLICA
          && m.hasAddress()
          && !m.name().equals(table.leaderName())) {
        poolOf(m).resize(config.replicaMaximumPoolSize());
      }
    }
  }

  /** Closes the pools of members absent for 30 s; {@code lock} guards against their return. */
  void closeAbsent(Object lock) {
    long now = System.nanoTime();
    for (Iterator<Map.Entry<String, MemberPool>> it = pools.entrySet().iterator(); it.hasNext(); ) {
      MemberPool pool = it.next().getValue();
      long since = pool.absentSinceNanos();
      if (since >= 0 && now - since > ABSENT_POOL_CLOSE_NANOS) {
        synchronized (lock) {
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

  @Override
  public void close() {
    pools.values().forEach(MemberPool::close);
    pools.clear();
  }

  private static String key(Member m) {
    return m.name() + "@" + m.address();
  }
}
