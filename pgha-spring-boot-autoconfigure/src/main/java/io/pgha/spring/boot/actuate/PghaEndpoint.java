package io.pgha.spring.boot.actuate;

import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.routing.PoolState;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.Topology;
import io.pgha.spring.boot.LeaderChangeHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/pgha}: the cluster as this application's DataSource sees it (leader, members,
 * lags, pools), the recent leader changes and, with an embedded agent, its last decisions.
 * Read-only; {@link PghaManagementEndpoint} adds the switchover when enabled.
 */
@Endpoint(id = "pgha")
public class PghaEndpoint {

  private final TopologyAwareDataSource dataSource;
  private final LeaderChangeHistory history;
  private final AgentView agent;

  public PghaEndpoint(
      TopologyAwareDataSource dataSource, LeaderChangeHistory history, AgentView agent) {
    this.dataSource = dataSource;
    this.history = history;
    this.agent = agent;
  }

  @ReadOperation
  public Map<String, Object> cluster() {
    Topology topology = dataSource.topology();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", dataSource.config().sourceKind().name());
    out.put("leader", topology.leaderName());
    out.put("writableLeader", topology.writableLeader().map(Member::name).orElse(null));
    out.put("readableReplicas", dataSource.readableReplicas());
    Map<String, PoolState> pools = new LinkedHashMap<>();
    dataSource.poolStates().forEach(p -> pools.put(p.member(), p));
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : topology.members()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", m.name());
      one.put("role", m.role().name().toLowerCase(Locale.ROOT));
      one.put("state", m.state());
      one.put("address", m.hasAddress() ? m.address() : null);
      one.put("lagBytes", m.lagBytes());
      PoolState p = pools.get(m.name());
      if (p != null) {
        one.put("routingLagBytes", p.lagBytes());
        one.put("activeConnections", p.active());
        one.put("idleConnections", p.idle());
        one.put("readCircuit", p.circuit());
      }
      members.add(one);
    }
    out.put("members", members);
    out.put("leaderChanges", history == null ? List.of() : history.changes());
    if (agent != null) {
      Map<String, Object> a = new LinkedHashMap<>(agent.summary());
      a.put("recentDecisions", agent.recentDecisions());
      out.put("agent", a);
    }
    return out;
  }

  TopologyAwareDataSource dataSource() {
    return dataSource;
  }

  AgentView agent() {
    return agent;
  }
}
