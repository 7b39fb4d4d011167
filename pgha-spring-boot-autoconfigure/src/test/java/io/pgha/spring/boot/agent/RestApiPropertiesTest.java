package io.pgha.spring.boot.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.Credentials;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RestApiSettings;
import io.pgha.spring.boot.InvalidPghaPropertyException;
import io.pgha.spring.boot.PghaDataSourceProperties;
import io.pgha.spring.boot.PghaEtcdProperties;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pgha.agent.rest-api.*} reach the agent's restapi section, and an open API is refused. */
class RestApiPropertiesTest {

  private static PghaAgentProperties agent() {
    PghaAgentProperties a = new PghaAgentProperties();
    a.setName("pg1");
    a.setDataDir(Path.of("/var/lib/postgresql/data"));
    a.setPostgresListen("127.0.0.1:5432");
    return a;
  }

  private static PghaConfig create(PghaAgentProperties a) {
    PghaEtcdProperties etcd = new PghaEtcdProperties();
    etcd.setEndpoints(List.of("http://127.0.0.1:2379"));
    etcd.setScope("pg");
    return AgentConfigFactory.create(a, etcd, new PghaDataSourceProperties());
  }

  @Test
  void credentialsAllowListAndBoundReachTheAgent() {
    PghaAgentProperties a = agent();
    a.setRestApiListen("0.0.0.0:8008");
    a.setRestApiConnectAddress("10.0.0.1:8008");
    a.getRestApi().setUsername("patroni");
    a.getRestApi().setPassword("api-secret");
    a.getRestApi().setAllowlist(List.of("10.0.0.0/8"));
    a.getRestApi().setMaxConnections(64);

    RestApiSettings api = create(a).restApi();

    assertThat(api.credentials()).contains(new Credentials("patroni", "api-secret"));
    assertThat(api.allowlist()).containsExactly("10.0.0.0/8");
    assertThat(api.maxConnections()).isEqualTo(64);
    assertThat(api.openToNetwork()).isFalse();
    assertThat(a.getRestApi().toString()).doesNotContain("api-secret");
  }

  @Test
  void aNetworkListenWithoutCredentialsNamesThePropertiesToSet() {
    PghaAgentProperties a = agent();
    a.setRestApiListen("0.0.0.0:8008");
    a.setRestApiConnectAddress("10.0.0.1:8008");

    assertThatThrownBy(() -> create(a))
        .isInstanceOf(InvalidPghaPropertyException.class)
        .hasMessageStartingWith("pgha.agent.rest-api-listen (0.0.0.0:8008) is reachable")
        .hasMessageContaining("add pgha.agent.rest-api.username and pgha.agent.rest-api.password")
        .hasMessageContaining("pgha.agent.rest-api.allow-unauthenticated-unsafe-methods: true")
        .hasMessageNotContaining("restapi.");
  }

  @Test
  void theOptInRunsItOpen() {
    PghaAgentProperties a = agent();
    a.setRestApiListen("0.0.0.0:8008");
    a.setRestApiConnectAddress("10.0.0.1:8008");
    a.getRestApi().setAllowUnauthenticatedUnsafeMethods(true);

    assertThat(create(a).restApi().openToNetwork()).isTrue();
  }
}
