package io.pgha.jdbc;

import com.zaxxer.hikari.HikariPoolMXBean;
import java.util.Map;

/**
 * The HikariCP pools behind a pgha DataSource, one per cluster member. Reach it through {@code
 * dataSource.unwrap(MemberPools.class)}, also when the DataSource is wrapped by a proxy that
 * delegates {@code unwrap} (Spring's, a JDBC tracer's).
 */
public interface MemberPools {

  /**
   * The pool of each member of the current topology, by member name, the leader's first: its
   * statistics (active, idle, waiting connections) and controls (soft eviction, suspension when the
   * pool allows it). A member's pool is replaced when its address changes and closed when it has
   * left the topology, so hold no bean past the moment.
   */
  Map<String, HikariPoolMXBean> memberPools();
}
