package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ha.PeerPosition;
import io.pgha.core.postgres.RoleCredentials;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The peer probe against a real PostgreSQL that restarts and stops under it. */
class PeerProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void keepsOneConnectionAndAsksAgainOnANewOneWhenThePeerRestarted() throws SQLException {
    try (LocalPostgres pg = LocalPostgres.builder("peer-probe").start();
        PeerProbe probe = new PeerProbe("me", new RoleCredentials("postgres", "unused"))) {
      ClusterView view =
          ClusterView.builder()
              .member(
                  Member.builder("peer")
                      .state("running")
                      .role(Role.PRIMARY)
                      .connUrl(ConnUrl.of(pg.host(), pg.port()))
                      .build())
              .build();

      assertThat(probe.position(view, "peer", TIMEOUT)).map(PeerPosition::primary).contains(true);
      assertThat(probe.positions(view, TIMEOUT).get("peer")).isPresent();
      assertThat(probe.position(view, "peer", TIMEOUT)).isPresent();
      assertThat(probeSessions(pg)).isEqualTo(1);

      // The kept connection died with the server: a restarted peer must not look gone.
      pg.restart();
      assertThat(probe.position(view, "peer", TIMEOUT)).isPresent();
      pg.restart();
      assertThat(probe.positions(view, TIMEOUT).get("peer")).isPresent();

      pg.stop();
      assertThat(probe.position(view, "peer", TIMEOUT)).isEmpty();
      assertThat(probe.positions(view, TIMEOUT).get("peer")).isEmpty();
      pg.start();
      assertThat(probe.position(view, "peer", TIMEOUT)).isPresent();
      assertThat(probeSessions(pg)).isEqualTo(1);

      probe.close();
      assertThat(probeSessionsOnceClosed(pg)).isZero();
    }
  }

  private static long probeSessions(LocalPostgres pg) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from pg_stat_activity where application_name = 'pgha-peer-probe'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sessions end a moment after the client closes them: look for a bounded while. */
  private static long probeSessionsOnceClosed(LocalPostgres pg) throws SQLException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long sessions = probeSessions(pg);
    while (sessions > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sessions = probeSessions(pg);
    }
    return sessions;
  }
}
