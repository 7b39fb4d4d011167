package io.pgha.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.PghaAgent;
import io.pgha.core.config.PghaConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The actuator calls an embedded agent's API with the credentials that API requires. */
class EmbeddedAgentApiAccessTest {

  private static PghaConfig.Builder config() {
    return PghaConfig.builder()
        .scope("pg")
        .name("pg1")
        .etcdEndpoints("http://127.0.0.1:2379")
        .postgresDataDir(Path.of("/var/lib/postgresql/data"))
        .postgresListen("127.0.0.1:5432");
  }

  @Test
  void theAgentsOwnCredentialsAreSent() {
    PghaConfig config = config().restApi(a -> a.authentication("patroni", "s3cret")).build();
    AgentView view =
        new EmbeddedAgentView(PghaAgent.builder(config).build(), Optional.of(config.restApi()));

    // "patroni:s3cret" in Base64.
    assertThat(view.apiAuthorization()).contains("Basic cGF0cm9uaTpzM2NyZXQ=");
    assertThat(view.apiTls()).isEmpty();
  }

  @Test
  void noCredentialsWhenTheApiRequiresNone() {
    PghaConfig config = config().build();
    AgentView view =
        new EmbeddedAgentView(PghaAgent.builder(config).build(), Optional.of(config.restApi()));

    assertThat(view.apiAuthorization()).isEmpty();
  }
}
