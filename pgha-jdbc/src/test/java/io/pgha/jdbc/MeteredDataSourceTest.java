package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DataSource over a real primary and its streaming replica (static-host source) reporting to a
 * {@link SimpleMeterRegistry}: HikariCP's meters of each member's pool, tagged with the member, and
 * pgha's own meters; the member pools reached through {@link MemberPools}; a HikariCP customizer
 * applied to every pool.
 */
class MeteredDataSourceTest {

  private static final String POOL = "metered";
  private static LocalPostgres primary;
  private static LocalPostgres replica;

  @BeforeAll
  static void startServers() {
    primary = LocalPostgres.builder("metered-p").start();
    replica = LocalPostgres.builder("metered-r").replicaOf(primary).start();
  }

  @AfterAll
  static void stopServers() {
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  private static String member(LocalPostgres pg) {
    return pg.host() + ":" + pg.port();
  }

  private static PghaDataSourceConfig.Builder config() {
    return PghaDataSourceConfig.builder()
        .staticHosts(List.of(member(primary), member(replica)))
        .username(LocalPostgres.SUPERUSER)
        .poolName(POOL)
        .pollInterval(Duration.ofMillis(100))
        .replayLagProbeInterval(Duration.ofMillis(200));
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void poolAndPghaMetersAppearTaggedWithTheirMember() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String p = member(primary);
    String r = member(replica);
    try (TopologyAwareDataSource ds =
        new TopologyAwareDataSource(config().meterRegistry(registry).build())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> ds.readableReplicas().equals(List.of(r)));
      try (Connection w = ds.getConnection();
          Connection rd = ds.readOnly().getConnection()) {
        assertThat(query(w, "select inet_server_port()")).isEqualTo(String.valueOf(primary.port()));
        assertThat(query(rd, "select inet_server_port()"))
            .isEqualTo(String.valueOf(replica.port()));
        for (String m : List.of(p, r)) {
          Gauge active =
              registry
                  .get("hikaricp.connections.active")
                  .tag("pool", POOL + "-" + m)
                  .tag("member", m)
                  .gauge();
          assertThat(active.value()).isEqualTo(1.0);
        }
      }
      assertThat(registry.get("hikaricp.connections.acquire").tag("member", p).timer().count())
          .isPositive();
      assertThat(
              registry
                  .get("pgha.connections.routed")
                  .tags("pool", POOL, "member", p, "role", "leader", "fallback", "false")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(
              registry
                  .get("pgha.connections.routed")
                  .tags("pool", POOL, "member", r, "role", "replica")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(registry.get("pgha.leader.changes").tag("pool", POOL).counter().count())
          .isGreaterThanOrEqualTo(1.0);
      assertThat(role(registry, p, "leader")).isEqualTo(1.0);
      assertThat(role(registry, p, "replica")).isEqualTo(0.0);
      assertThat(role(registry, r, "leader")).isEqualTo(0.0);
      assertThat(role(registry, r, "replica")).isEqualTo(1.0);
      assertThat(registry.get("pgha.replica.lag").tag("member", r).gauge().value())
          .isGreaterThanOrEqualTo(0.0);
    }
    // Closing the DataSource closes the pools, which take their meters with them.
    assertThat(registry.find("hikaricp.connections.active").meters()).isEmpty();
  }

  private static double role(SimpleMeterRegistry registry, String member, String role) {
    return registry
        .get("pgha.member.role")
        .tags("pool", POOL, "member", member, "role", role)
        .gauge()
        .value();
  }

  @Test
  void memberPoolsAreReachableThroughUnwrapAndReadCircuitsThroughTheirRegistry() throws Exception {
    CircuitBreakerRegistry circuits = CircuitBreakerRegistry.ofDefaults();
    String replicaCircuit = POOL + "-" + member(replica) + "-reads";
    try (TopologyAwareDataSource ds =
        new TopologyAwareDataSource(config().circuitBreakerRegistry(circuits).build())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ds.readableReplicas().equals(List.of(member(replica))));
      MemberPools pools = ds.readOnly().unwrap(MemberPools.class);
      assertThat(ds.isWrapperFor(MemberPools.class)).isTrue();
      try (Connection w = ds.getConnection()) {
        query(w, "select 1");
        Map<String, HikariPoolMXBean> byMember = pools.memberPools();
        assertThat(byMember.keySet()).containsExactly(member(primary), member(replica));
        assertThat(byMember.get(member(primary)).getActiveConnections()).isEqualTo(1);
        assertThat(byMember.get(member(replica)).getActiveConnections()).isZero();
      }
      assertThat(pools.memberPools().get(member(primary)).getActiveConnections()).isZero();
      assertThat(circuits.find(replicaCircuit))
          .get()
          .extracting(CircuitBreaker::getState)
          .isEqualTo(CircuitBreaker.State.CLOSED);
      // A circuit forced open keeps reads away from its member: they fall back to the leader.
      circuits.find(replicaCircuit).orElseThrow().transitionToForcedOpenState();
      try (Connection rd = ds.readOnly().getConnection()) {
        assertThat(query(rd, "select inet_server_port()"))
            .isEqualTo(String.valueOf(primary.port()));
      }
      assertThat(ds.poolStates())
          .filteredOn(p -> p.member().equals(member(replica)))
          .extracting(p -> p.circuit())
          .containsExactly("FORCED_OPEN");
    }
    assertThat(circuits.getAllCircuitBreakers()).isEmpty();
  }

  @Test
  void theHikariCustomizerReachesEveryPoolButNotWhatRoutingReliesOn() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TopologyAwareDataSource ds =
        new TopologyAwareDataSource(
            config()
                .meterRegistry(registry)
                .hikari(
                    hc -> {
                      hc.setConnectionInitSql("set application_name = 'pgha-customized'");
                      hc.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
                      hc.setPoolName("not-the-member");
                      hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/elsewhere");
                    })
                .build())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ds.readableReplicas().equals(List.of(member(replica))));
      try (Connection w = ds.getConnection();
          Connection rd = ds.readOnly().getConnection()) {
        assertThat(query(w, "show application_name")).isEqualTo("pgha-customized");
        assertThat(query(rd, "show application_name")).isEqualTo("pgha-customized");
        assertThat(query(w, "select inet_server_port()")).isEqualTo(String.valueOf(primary.port()));
      }
      assertThat(registry.find("hikaricp.connections").meters())
          .extracting(m -> m.getId().getTag("pool"))
          .containsExactlyInAnyOrder(POOL + "-" + member(primary), POOL + "-" + member(replica));
      assertThat(registry.getMeters())
          .map(Meter::getId)
          .noneMatch(id -> "not-the-member".equals(id.getTag("pool")));
    }
  }
}
