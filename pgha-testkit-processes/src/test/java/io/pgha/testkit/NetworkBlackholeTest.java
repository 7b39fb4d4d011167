package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A replica's PostgreSQL black-holed: its clients time out instead of being refused, its primary
 * stops hearing from it (its walsender times out), and after the heal it streams again and no rule
 * is left behind. Skipped where iptables or the net_cls controller is missing.
 */
class NetworkBlackholeTest {

  @Test
  void dropsEveryPacketOfTheMemberUntilHealed() throws Exception {
    NetworkBlackhole.Result probe = NetworkBlackhole.probe();
    assumeThat(probe.blackhole()).as(probe.unavailableReason()).isPresent();
    try (NetworkBlackhole blackhole = probe.blackhole().get();
        LocalPostgres primary =
            LocalPostgres.builder("bh-primary").parameter("wal_sender_timeout", "2s").start();
        LocalPostgres replica = LocalPostgres.builder("bh-replica").replicaOf(primary).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> walSenders(primary) == 1);
      try (Connection before = connect(replica)) {
        blackhole.cut(List.of(replica.pid()), List.of(replica.port()));
        assertThat(blackhole.isCut()).isTrue();

        // Nothing answers and nothing is reset: a read times out, a new connection too.
        before.setNetworkTimeout(Runnable::run, 1500);
        assertThatThrownBy(() -> query(before, "SELECT 1"))
            .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> connect(replica)).isInstanceOf(SQLException.class);
        // What the replica sends is dropped too: the primary stops hearing from its walreceiver.
        await().atMost(Duration.ofSeconds(20)).until(() -> walSenders(primary) == 0);
        assertThat(replica.isRunning()).isTrue();
      }

      blackhole.heal();
      assertThat(blackhole.isCut()).isFalse();
      assertThat(rulesLeft()).doesNotContain("pgha-blackhole-" + ProcessHandle.current().pid());
      try (Connection after = connect(replica)) {
        assertThat(query(after, "SELECT 1")).isEqualTo("1");
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> walSenders(primary) == 1);
    }
  }

  private static int walSenders(LocalPostgres primary) throws SQLException {
    try (Connection c = connect(primary)) {
      return Integer.parseInt(query(c, "SELECT count(*) FROM pg_stat_replication"));
    }
  }

  private static Connection connect(LocalPostgres pg) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", pg.user());
    p.setProperty("connectTimeout", "2");
    p.setProperty("loginTimeout", "3");
    p.setProperty("socketTimeout", "5");
    return DriverManager.getConnection(pg.jdbcUrl(), p);
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String rulesLeft() throws Exception {
    Process p = new ProcessBuilder("iptables", "-w", "5", "-S").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
