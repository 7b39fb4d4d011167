package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.jdbc.routing.ReadPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PghaDataSourceConfigTest {

  private static PghaDataSourceConfig.Builder etcd() {
    return PghaDataSourceConfig.builder().etcd(List.of("http://127.0.0.1:2379")).scope("pg-test");
  }

  @Test
  void defaultsAreValid() {
    PghaDataSourceConfig c = etcd().build();
    assertThat(c.keyPrefix()).isEqualTo("/service/pg-test/");
    assertThat(c.readPolicy()).isEqualTo(ReadPolicy.ROUND_ROBIN);
    assertThat(c.leaderMaximumPoolSize()).isEqualTo(10);
    assertThat(c.fallbackToLeader()).isTrue();
  }

  @Test
  void aMeterRegistryMustBeOneAndTravelsWithTheHikariCustomizer() {
    assertThatThrownBy(() -> etcd().meterRegistry("not a registry").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pgha: meterRegistry (java.lang.String) must be an"
                + " io.micrometer.core.instrument.MeterRegistry");
    assertThatThrownBy(() -> etcd().hikari(null))
        .hasMessage("pgha: hikari (null) must not be null");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PghaDataSourceConfig c =
        etcd()
            .meterRegistry(registry)
            .hikari(hc -> hc.setKeepaliveTime(30_000))
            .hikari(hc -> hc.setConnectionInitSql("select " + hc.getKeepaliveTime()))
            .build();
    assertThat(c.toBuilder().build().meterRegistry()).isSameAs(registry);
    HikariConfig customized = new HikariConfig();
    c.toBuilder().build().hikariCustomizer().accept(customized);
    assertThat(customized.getKeepaliveTime()).isEqualTo(30_000);
    assertThat(customized.getConnectionInitSql()).isEqualTo("select 30000");
    assertThat(etcd().build().meterRegistry()).isNull();
  }

  @Test
  void perRoleSizesOverrideTheSharedOne() {
    PghaDataSourceConfig c = etcd().maximumPoolSize(4).replicaMaximumPoolSize(8).build();
    assertThat(c.leaderMaximumPoolSize()).isEqualTo(4);
    assertThat(c.replicaMaximumPoolSize()).isEqualTo(8);
  }

  @Test
  void errorsNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> etcd().connectionTimeout(Duration.ofMillis(100)).build())
        .hasMessage("pgha: connectionTimeout (PT0.1S) must be at least 250ms (HikariCP's minimum)");
    assertThatThrownBy(() -> etcd().scope("a/b").build())
        .hasMessage("pgha: scope (a/b) must be the cluster name, non-empty and without '/'");
    assertThatThrownBy(
            () -> PghaDataSourceConfig.builder().etcd(List.of("127.0.0.1:2379")).scope("x").build())
        .hasMessage("pgha: etcd (127.0.0.1:2379) each endpoint must look like http://host:port");
    assertThatThrownBy(() -> etcd().minimumIdle(20).build())
        .hasMessage("pgha: minimumIdle (20) must be between 0 and maximumPoolSize (10)");
    assertThatThrownBy(() -> PghaDataSourceConfig.builder().staticHosts(List.of("db1")).build())
        .hasMessage("pgha: staticHosts (db1) each entry must be host:port");
    assertThatThrownBy(
            () -> PghaDataSourceConfig.builder().httpApi(List.of(URI.create("/x"))).build())
        .hasMessage("pgha: httpApi (/x) each URL must be absolute http(s)://host:port");
  }

  @Test
  void networkDefaultsKeepAliveOnAndBoundedTimeouts() {
    assertThat(etcd().build().driverProperties())
        .containsEntry("tcpKeepAlive", "true")
        .containsEntry("connectTimeout", "5")
        .containsEntry("socketTimeout", "60");
  }

  @Test
  void networkSettingsInWholeSecondsAndConnectionPropertiesWin() {
    PghaDataSourceConfig c =
        etcd()
            .tcpKeepAlive(false)
            .connectTimeout(Duration.ofMillis(1500))
            .socketTimeout(Duration.ZERO)
            .connectionProperty("socketTimeout", "600")
            .build();
    assertThat(c.driverProperties())
        .containsEntry("tcpKeepAlive", "false")
        .containsEntry("connectTimeout", "2")
        .containsEntry("socketTimeout", "600");
    assertThat(c.toBuilder().build().connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> etcd().connectTimeout(Duration.ofMillis(500)).build())
        .hasMessage(
            "pgha: connectTimeout (PT0.5S) must be at least 1s (pgjdbc counts whole seconds)");
    assertThatThrownBy(() -> etcd().socketTimeout(Duration.ofMillis(-1)).build())
        .hasMessage(
            "pgha: socketTimeout (PT-0.001S) must be zero (none) or at least 1s (pgjdbc counts"
                + " whole seconds)");
  }

  @Test
  void exactlyOneSource() {
    assertThatThrownBy(() -> PghaDataSourceConfig.builder().build())
        .hasMessageStartingWith("no topology source");
    assertThatThrownBy(() -> etcd().staticHosts(List.of("h:1")))
        .hasMessageContaining("configure exactly one");
  }

  @Test
  void passwordNeverInToString() {
    assertThat(etcd().username("app").password("s3cret").build().toString())
        .contains("app")
        .doesNotContain("s3cret");
  }
}
