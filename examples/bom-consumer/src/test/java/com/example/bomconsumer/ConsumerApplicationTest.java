package com.example.bomconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.cluster.LocalPghaCluster;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application starts with versions from pgha-bom and Boot's BOM only, and its DataSource finds
 * the leader through etcd: the first etcd request is where mismatched Netty versions fail ({@code
 * NoClassDefFoundError}), after a context that started fine.
 */
class ConsumerApplicationTest {

  @Test
  void startsAndWritesOnTheLeaderFoundInEtcd() {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            1, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      cluster.startAll();
      LocalPghaCluster.Node leader = cluster.awaitHealthy(Duration.ofSeconds(120));
      try (ConfigurableApplicationContext app =
          new SpringApplicationBuilder(ConsumerApplication.class)
              .properties(
                  Map.of(
                      "spring.main.banner-mode", "off",
                      "pgha.datasource.etcd-endpoints", cluster.etcdEndpoints().get(0),
                      "pgha.datasource.scope", cluster.scope(),
                      "pgha.datasource.username", "postgres",
                      "pgha.datasource.password", LocalPghaCluster.superuserPassword()))
              .run()) {
        JdbcTemplate jdbc = new JdbcTemplate(app.getBean(DataSource.class));
        assertThat(jdbc.queryForObject("SELECT inet_server_port()", Integer.class))
            .isEqualTo(leader.pgPort);
        assertThat(jdbc.queryForObject("SELECT pg_is_in_recovery()", Boolean.class)).isFalse();
      }
    }
  }
}
