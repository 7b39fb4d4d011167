package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Patroni file whose REST API listens on the network without authentication is refused (exit 2),
 * naming the keys to add; the explicit consent key runs it anyway.
 */
class OpenRestApiTest {
  @TempDir Path dir;

  private static final String PATRONI =
      "scope: demo\n"
          + "name: m1\n"
          + "restapi:\n"
          + "  listen: 0.0.0.0:8008\n"
          + "  connect_address: 10.0.0.1:8008\n"
          + "etcd3:\n"
          + "  hosts: 127.0.0.1:2379\n"
          + "postgresql:\n"
          + "  listen: 127.0.0.1:5432\n"
          + "  data_dir: /var/lib/pg/data\n"
          + "  authentication:\n"
          + "    superuser: {username: postgres, password: su-secret}\n"
          + "    replication: {username: replicator, password: repl-secret}\n";

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int validate(String yaml) throws IOException {
    Path f = Files.writeString(dir.resolve("patroni.yml"), yaml);
    return Sidecar.execute(
        new String[] {"validate", f.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        false);
  }

  @Test
  void aNetworkListenWithoutAuthenticationExitsTwoNamingWhatToAdd() throws IOException {
    assertThat(validate(PATRONI)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("line 4: restapi.listen (0.0.0.0:8008) is reachable from the network")
        .contains("add restapi.authentication.username and restapi.authentication.password")
        .contains("restapi.allow_unauthenticated_unsafe_methods: true");
  }

  @Test
  void authenticationMakesItValid() throws IOException {
    String yaml =
        PATRONI.replace(
            "  connect_address: 10.0.0.1:8008\n",
            "  connect_address: 10.0.0.1:8008\n"
                + "  authentication:\n"
                + "    username: patroni\n"
                + "    password: api-secret\n");
    assertThat(validate(yaml)).isZero();
  }

  @Test
  void explicitConsentMakesItValid() throws IOException {
    String yaml =
        PATRONI.replace(
            "  connect_address: 10.0.0.1:8008\n",
            "  connect_address: 10.0.0.1:8008\n"
                + "  allow_unauthenticated_unsafe_methods: true\n"
                + "  max_connections: 64\n");
    assertThat(validate(yaml)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "warning: line 6: the REST API on 0.0.0.0:8008 has no authentication: anyone who can"
                + " connect may switch over");
  }
}
