package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real JDBC client talking to a real PostgreSQL through the proxy. */
class FaultProxyTest {

  @RegisterExtension static final PostgresExtension PG = PostgresExtension.instances(1);

  private LocalPostgres pg;

  @BeforeEach
  void findPostgres() {
    pg = PG.instance(0);
  }

  @Test
  void cutResetsConnectionsAndRefusesNewOnesUntilHealed() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(pg.host(), pg.port())) {
      try (Connection connection = connect(proxy)) {
        assertThat(selectOne(connection)).isEqualTo(1);

        proxy.cut();
        assertThatThrownBy(() -> selectOne(connection)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> connect(proxy))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("refused");
      }
      proxy.heal();
      try (Connection connection = connect(proxy)) {
        assertThat(selectOne(connection)).isEqualTo(1);
      }
    }
  }

  @Test
  void blackholeMakesAQueryTimeOutAndHealDeliversAgain() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(pg.host(), pg.port());
        Connection connection = connect(proxy)) {
      assertThat(selectOne(connection)).isEqualTo(1);

      proxy.blackhole();
      connection.setNetworkTimeout(Runnable::run, 1000);
      assertThatThrownBy(() -> selectOne(connection))
          .isInstanceOf(SQLException.class)
          .hasRootCauseInstanceOf(SocketTimeoutException.class);

      proxy.heal();
      try (Connection fresh = connect(proxy)) {
        assertThat(selectOne(fresh)).isEqualTo(1);
      }
    }
  }

  @Test
  void latencyDelaysEachRoundTrip() throws Exception {
    Duration oneWay = Duration.ofMillis(150);
    try (FaultProxy proxy = FaultProxy.start(pg.host(), pg.port());
        Connection connection = connect(proxy)) {
      proxy.latency(oneWay);
      long start = System.nanoTime();
      assertThat(selectOne(connection)).isEqualTo(1);
      // A lower bound only: request and response each wait at least the one-way latency.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(oneWay.multipliedBy(2));
    }
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    FaultProxy proxy = FaultProxy.start(pg.host(), pg.port());
    String prefix = "fault-proxy-" + proxy.port() + "-";
    Connection stalled = connect(proxy);
    proxy.blackhole();
    assertThat(threadsNamed(prefix)).isGreaterThanOrEqualTo(3); // acceptor + 2 per connection

    proxy.close();

    assertThat(threadsNamed(prefix)).isZero();
    assertThatThrownBy(() -> connect(proxy)).isInstanceOf(SQLException.class);
    assertThatThrownBy(proxy::heal).hasMessageContaining("closed");
    stalled.abort(Runnable::run);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> FaultProxy.start("127.0.0.1", 0))
        .hasMessageContaining("targetPort (0) must be in 1..65535");
    try (FaultProxy proxy = FaultProxy.start(pg.host(), pg.port())) {
      assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1)))
          .hasMessageContaining("latency (PT-0.001S) must be zero or positive");
    }
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith(prefix))
        .count();
  }

  private Connection connect(FaultProxy proxy) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", pg.user());
    properties.setProperty("connectTimeout", "2");
    properties.setProperty("socketTimeout", "5");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + proxy.endpoint() + "/postgres", properties);
  }

  private static int selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1")) {
      result.next();
      return result.getInt(1);
    }
  }
}
