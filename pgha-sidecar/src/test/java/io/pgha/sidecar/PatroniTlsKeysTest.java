package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pgha.core.config.ConnectionSecurity;
import io.pgha.core.config.PostgresSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Patroni's TLS keys under postgresql.authentication.<role> reach every connection's settings. */
class PatroniTlsKeysTest {

  @TempDir Path tmp;

  private String yaml(String replicationExtra) {
    return "scope: demo\n"
        + "name: m1\n"
        + "etcd3:\n"
        + "  hosts: 127.0.0.1:2379\n"
        + "postgresql:\n"
        + "  listen: 127.0.0.1:5432\n"
        + "  data_dir: /var/lib/pg/data\n"
        + "  authentication:\n"
        + "    superuser: {username: postgres, password: su-secret, sslmode: require}\n"
        + "    replication:\n"
        + "      username: replicator\n"
        + "      password: repl-secret\n"
        + replicationExtra;
  }

  @Test
  void everyRolesTlsKeysAreRead() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ca.crt"), "pem");
    Path cert = Files.writeString(tmp.resolve("c.crt"), "pem");
    Path key = Files.writeString(tmp.resolve("c.key"), "pem");
    SidecarConfig config =
        PatroniConfigReader.parse(
            "test.yml",
            yaml(
                "      sslmode: verify-ca\n"
                    + "      sslrootcert: "
                    + ca
                    + "\n      sslcert: "
                    + cert
                    + "\n      sslkey: "
                    + key
                    + "\n      channel_binding: require\n      gssencmode: disable\n"),
            Map.of("PATRONI_REPLICATION_SSLMODE", "verify-full"));
    PostgresSettings pg = config.pgha().postgres();
    ConnectionSecurity replication = pg.replicationSecurity();
    assertThat(replication.sslMode())
        .as("the environment wins, as in Patroni")
        .isEqualTo("verify-full");
    assertThat(replication.sslRootCert()).isEqualTo(ca);
    assertThat(replication.sslCert()).isEqualTo(cert);
    assertThat(replication.sslKey()).isEqualTo(key);
    assertThat(replication.channelBinding()).isEqualTo("require");
    assertThat(replication.gssEncMode()).isEqualTo("disable");
    assertThat(pg.superuserSecurity().sslMode()).isEqualTo("require");
    assertThat(pg.rewindSecurity()).isEqualTo(pg.superuserSecurity());
    assertThat(config.warnings()).noneMatch(w -> w.contains("ssl"));
  }

  @Test
  void badValuesAndKeyPasswordsAreRefusedNamingTheKey() {
    ConfigFileException e =
        catchThrowableOfType(
            ConfigFileException.class,
            () ->
                PatroniConfigReader.parse(
                    "test.yml",
                    yaml("      sslmode: verify\n      sslpassword: key-secret\n"),
                    Map.of()));
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "postgresql.authentication.replication.sslmode (verify) must be one of"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "postgresql.authentication.replication.sslpassword is not supported"));
    assertThat(e.getMessage()).doesNotContain("key-secret");
  }
}
