package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.core.PghaAgent;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.spring.boot.actuate.PghaActuatorAutoConfiguration;
import io.pgha.spring.boot.actuate.PghaEndpoint;
import io.pgha.spring.boot.actuate.PghaHealthIndicator;
import io.pgha.spring.boot.agent.PghaAgentAutoConfiguration;
import io.pgha.spring.boot.agent.PghaAgentLifecycle;
import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.Testkit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * An application that embeds the agent of its host's PostgreSQL (a one-member cluster on a real
 * etcd and a real PostgreSQL): the agent starts before the DataSource and bootstraps the cluster,
 * the DataSource writes to it, health and the endpoint show the agent's role and decisions, and
 * closing the context stops PostgreSQL and releases the leader key at once (no ttl wait).
 */
class EmbeddedAgentTest {
  private static final String PASSWORD = "embedded-Superuser-Secret";

  private static LocalEtcd etcd;
  private static Path dataDir;

  @BeforeAll
  static void startEtcd() {
    etcd = LocalEtcd.start(1);
    dataDir =
        OsUser.forPostgres()
            .createOwnedDirectory(Testkit.newWorkDir("embedded").resolve("pg1"))
            .resolve("data");
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void theAgentRunsWithTheContextAndHandsLeadershipOverWhenItCloses() throws Exception {
    OsUser os = OsUser.forPostgres();
    String endpoint = etcd.clientEndpoints().get(0);
    WebApplicationContextRunner runner =
        new WebApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    PghaAgentAutoConfiguration.class,
                    PghaDataSourceAutoConfiguration.class,
                    PghaActuatorAutoConfiguration.class,
                    EndpointAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class))
            .withPropertyValues(
                "pgha.etcd.endpoints=" + endpoint,
                "pgha.etcd.scope=embedded",
                "pgha.datasource.username=postgres",
                "pgha.datasource.password=" + PASSWORD,
                "pgha.agent.enabled=true",
                "pgha.agent.name=pg1",
                "pgha.agent.data-dir=" + dataDir,
                "pgha.agent.postgres-listen=127.0.0.1:" + Testkit.freePort(),
                "pgha.agent.superuser-password=" + PASSWORD,
                "pgha.agent.replication-password=embedded-Replication-Secret",
                "pgha.agent.rest-api-listen=127.0.0.1:" + Testkit.freePort(),
                "pgha.agent.ttl=6s",
                "pgha.agent.loop-wait=1s",
                "pgha.agent.retry-timeout=2s",
                "pgha.agent.parameters.fsync=off",
                "pgha.agent.parameters.shared_buffers=16MB",
                "pgha.agent.run-as-user=" + (os.needsSwitch() ? os.name() : ""),
                "pgha.agent.bootstrap.users.app.password=embedded-App-Secret",
                "pgha.agent.bootstrap.users.app.options=createdb",
                "pgha.agent.bootstrap.dcs.max-timelines-history=7",
                "management.endpoints.web.exposure.include=health,pgha");
    try (Client client = Client.builder().endpoints(endpoint).build()) {
      runner.run(
          ctx -> {
            assertThat(ctx).hasNotFailed();
            PghaAgent agent = ctx.getBean(PghaAgent.class);
            assertThat(ctx.getBean(PghaAgentLifecycle.class).isRunning()).isTrue();
            TopologyAwareDataSource ds = ctx.getBean(TopologyAwareDataSource.class);
            await()
                .atMost(Duration.ofSeconds(120))
                .until(
                    () ->
                        "pg1"
                            .equals(
                                ds.topology().writableLeader().map(m -> m.name()).orElse(null)));
            try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
              assertThat(rs.next()).isTrue();
              assertThat(rs.getBoolean(1)).isFalse();
            }
            // pgha.agent.bootstrap.*: the role and the config key the cluster started with.
            try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                    s.executeQuery(
                        "SELECT rolcreatedb AND rolcanlogin FROM pg_roles WHERE rolname = 'app'")) {
              assertThat(rs.next()).as("role app").isTrue();
              assertThat(rs.getBoolean(1)).isTrue();
            }
            assertThat(key(client, "/service/embedded/config"))
                .contains("\"max_timelines_history\":7");
            await()
                .atMost(Duration.ofSeconds(60))
                .until(
                    () ->
                        ctx.getBean(PghaHealthIndicator.class).health(true).getStatus()
                            == Status.UP);
            Health health = ctx.getBean(PghaHealthIndicator.class).health(true);
            @SuppressWarnings("unchecked")
            Map<String, Object> agentDetails =
                (Map<String, Object>) health.getDetails().get("agent");
            assertThat(agentDetails)
                .containsEntry("member", "pg1")
                .containsEntry("role", "primary")
                .containsEntry("holdsLeadership", true);
            @SuppressWarnings("unchecked")
            Map<String, Object> agentView =
                (Map<String, Object>) ctx.getBean(PghaEndpoint.class).cluster().get("agent");
            assertThat((List<?>) agentView.get("recentDecisions")).isNotEmpty();
            assertThat(agent.isRunning()).isTrue();
            assertThat(leaderKey(client)).isEqualTo("pg1");
          });
      // The context is closed: the agent stopped and released the key instead of letting it expire.
      assertThat(leaderKey(client)).isNull();
    }
  }

  private static String leaderKey(Client client) throws Exception {
    return key(client, "/service/embedded/leader");
  }

  private static String key(Client client, String key) throws Exception {
    var kvs =
        client
            .getKVClient()
            .get(ByteSequence.from(key, StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }
}
