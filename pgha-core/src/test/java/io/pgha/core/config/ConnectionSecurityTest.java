package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSecurityTest {

  @TempDir static Path tmp;

  @Test
  void defaultIsPreferEverywhereAndRewindFollowsTheSuperuser() {
    PostgresSettings pg = PghaConfigTest.valid().build().postgres();
    assertThat(pg.superuserSecurity()).isEqualTo(ConnectionSecurity.DEFAULT);
    assertThat(pg.replicationSecurity()).isEqualTo(ConnectionSecurity.DEFAULT);
    assertThat(ConnectionSecurity.DEFAULT.libpqKeywords()).containsExactly("sslmode", "prefer");
    assertThat(ConnectionSecurity.DEFAULT.requiresTls()).isFalse();

    Path ca = file("ca.crt");
    PostgresSettings verified =
        PghaConfigTest.valid()
            .postgres(p -> p.superuserSecurity(s -> s.sslMode("verify-full").sslRootCert(ca)))
            .build()
            .postgres();
    assertThat(verified.rewindSecurity()).isEqualTo(verified.superuserSecurity());
    assertThat(verified.rewindSecurity().requiresTls()).isTrue();

    PostgresSettings ownRewind =
        PghaConfigTest.valid()
            .postgres(
                p ->
                    p.superuserSecurity(s -> s.sslMode("verify-full").sslRootCert(ca))
                        .rewind("rewinder", "pw")
                        .rewindSecurity(s -> s.sslMode("require")))
            .build()
            .postgres();
    assertThat(ownRewind.rewindSecurity().sslMode()).isEqualTo("require");
  }

  @Test
  void libpqAndPgjdbcGetTheSameSettingsUnderTheirOwnNames() {
    Path ca = file("root.crt");
    Path cert = file("client.crt");
    Path key = file("client.key");
    ConnectionSecurity s =
        security(
            b ->
                b.sslMode("verify-full")
                    .sslRootCert(ca)
                    .clientCertificate(cert, key)
                    .sslCrl(ca)
                    .gssEncMode("disable")
                    .channelBinding("require")
                    .requireAuth("scram-sha-256"));
    assertThat(s.libpqKeywords())
        .containsExactly(
            "sslmode",
            "verify-full",
            "sslrootcert",
            ca.toString(),
            "sslcert",
            cert.toString(),
            "sslkey",
            key.toString(),
            "sslcrl",
            ca.toString(),
            "gssencmode",
            "disable",
            "channel_binding",
            "require",
            "require_auth",
            "scram-sha-256");
    assertThat(s.jdbcProperties())
        .containsEntry("sslmode", "verify-full")
        .containsEntry("sslrootcert", ca.toString())
        .containsEntry("sslcert", cert.toString())
        .containsEntry("sslkey", key.toString())
        .containsEntry("gssEncMode", "disable")
        .containsEntry("channelBinding", "require")
        .containsEntry("requireAuth", "scram-sha-256")
        .doesNotContainKey("sslcrl");
    assertThat(s.describe()).startsWith("sslmode=verify-full sslrootcert=" + ca);
  }

  @Test
  void eachRuleNamesTheKeyAndTheValue() {
    String prefix = "postgresql.authentication.replication.";
    rejects(b -> b.sslMode("verify"), prefix + "sslmode (verify) must be one of");
    rejects(b -> b.channelBinding("always"), prefix + "channel_binding (always) must be one of");
    rejects(b -> b.gssEncMode("allow"), prefix + "gssencmode (allow) must be one of");
    rejects(b -> b.requireAuth("scram-sha-256,trust"), prefix + "require_auth (scram-sha-256");
    rejects(
        b -> b.sslRootCert(tmp.resolve("missing.crt")),
        prefix + "sslrootcert (" + tmp.resolve("missing.crt") + ") must be a readable file");
    rejects(
        b -> b.clientCertificate(file("only.crt"), null),
        prefix + "sslcert (" + tmp.resolve("only.crt") + ") requires " + prefix + "sslkey");
    assertThat(security(b -> b.requireAuth("!password,!md5")).requireAuth())
        .isEqualTo("!password,!md5");
  }

  private static ConnectionSecurity security(Consumer<ConnectionSecurity.Builder> keys) {
    return PghaConfigTest.valid()
        .postgres(p -> p.replicationSecurity(keys))
        .build()
        .postgres()
        .replicationSecurity();
  }

  private static void rejects(Consumer<ConnectionSecurity.Builder> keys, String expected) {
    assertThatThrownBy(() -> security(keys))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .singleElement()
                    .asString()
                    .contains(expected));
  }

  private static Path file(String name) {
    try {
      Path f = tmp.resolve(name);
      if (!Files.exists(f)) {
        Files.writeString(f, "pem");
      }
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
