package io.pgha.spring.boot.actuate;

import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.routing.PoolState;
import io.pgha.jdbc.topology.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP when the DataSource knows a writable leader, DOWN while there is none (a failover in progress:
 * writes wait). Details: the leader, the replicas taking reads, each member's pool (an open read
 * circuit is reported, not fatal: reads go elsewhere) and, with an embedded agent, its role.
 */
public class PghaHealthIndicator extends AbstractHealthIndicator {

  private final TopologyAwareDataSource dataSource;
  private final AgentView agent;

  public PghaHealthIndicator(TopologyAwareDataSource dataSource, AgentView agent) {
    super("pgha health check failed");
    this.dataSource = dataSource;
    this.agent = agent;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Topology topology = dataSource.topology();
    Optional<String> leader = topology.writableLeader().map(m -> m.name());
    List<PoolState> pools = dataSource.poolStates();
    builder.withDetail("leader", leader.orElse("none"));
    builder.withDetail("readableReplicas", dataSource.readableReplicas());
    Map<String, Object> poolDetails = new LinkedHashMap<>();
    for (PoolState p : pools) {
      poolDetails.put(p.member(), p.isHealthy() ? "ok" : "read circuit " + p.circuit());
    }
    builder.withDetail("pools", poolDetails);
    if (agent != null) {
      builder.withDetail("agent", agent.summary());
    }
    if (leader.isPresent()) {
      builder.up();
    } else {
      builder.down().withDetail("reason", "no writable leader: writes wait for a failover to end");
    }
  }
}
