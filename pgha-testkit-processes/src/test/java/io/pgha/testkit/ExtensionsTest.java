package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit extensions give the class running processes, and reject bad configuration. */
class ExtensionsTest {

  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.members(1);

  @RegisterExtension
  static final PostgresExtension PG = PostgresExtension.instances(2).parameter("work_mem", "3MB");

  @Test
  void startsEtcdAndPostgresForTheClass() throws Exception {
    assertThat(ETCD.cluster().members()).singleElement().matches(EtcdMember::isRunning);
    assertThat(ETCD.clientEndpoints()).containsExactlyElementsOf(ETCD.cluster().clientEndpoints());
    assertThat(EtcdHealth.isHealthy(ETCD.clientEndpoints().get(0))).isTrue();

    assertThat(PG.instances()).hasSize(2);
    assertThat(PG.instance(0).port()).isNotEqualTo(PG.instance(1).port());
    assertThat(PG.instance(1).name()).isEqualTo("ExtensionsTest-1");
    for (LocalPostgres postgres : PG.instances()) {
      try (Connection connection = postgres.connect();
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SHOW work_mem")) {
        result.next();
        assertThat(result.getString(1)).isEqualTo("3MB");
      }
    }
  }

  @Test
  void rejectsBadConfigurationEarly() {
    assertThatThrownBy(() -> EtcdExtension.members(0))
        .hasMessageContaining("members (0) must be 1 or 3");
    assertThatThrownBy(() -> PostgresExtension.instances(0)).hasMessageContaining("instances (0)");
    assertThatThrownBy(() -> PostgresExtension.instances(1).parameter("port", "1"))
        .hasMessageContaining("'port' is managed by the test kit");
    assertThatThrownBy(() -> PG.instance(2))
        .hasMessageContaining("instance index (2) must be in [0, 1]");
    assertThatThrownBy(() -> EtcdExtension.members(1).cluster())
        .hasMessageContaining("not running");
  }
}
