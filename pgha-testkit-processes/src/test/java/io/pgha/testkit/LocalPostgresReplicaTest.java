package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A streaming replica made with pg_basebackup follows its primary and can be promoted. */
class LocalPostgresReplicaTest {

  @Test
  void replicaFollowsThePrimaryAndCanBePromoted() throws Exception {
    try (LocalPostgres primary = LocalPostgres.builder("primary").start();
        LocalPostgres replica = LocalPostgres.builder("replica").replicaOf(primary).start()) {
      assertThat(primary.isInRecovery()).isFalse();
      assertThat(replica.isInRecovery()).isTrue();
      assertThat(replica.port()).isNotEqualTo(primary.port());

      execute(primary, "CREATE TABLE t (v text)");
      execute(primary, "INSERT INTO t VALUES ('replicated')");
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> "replicated".equals(query(replica, "SELECT v FROM t")));
      assertThatThrownBy(() -> execute(replica, "INSERT INTO t VALUES ('no')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("read-only");

      primary.kill();
      replica.promote();

      assertThat(replica.isInRecovery()).isFalse();
      execute(replica, "INSERT INTO t VALUES ('after-promotion')");
      assertThat(query(replica, "SELECT count(*) FROM t")).isEqualTo("2");
    }
  }

  @Test
  void aReplicaNeedsARunningPrimary() {
    assertThatThrownBy(() -> LocalPostgres.builder("orphan").replicaOf(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a running LocalPostgres");
  }

  private static void execute(LocalPostgres pg, String sql) throws SQLException {
    try (Connection connection = pg.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String query(LocalPostgres pg, String sql) throws SQLException {
    try (Connection connection = pg.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }
}
