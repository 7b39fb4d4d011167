package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd credentials and TLS files of the DataSource's etcd source: checked, kept, never shown. */
class EtcdAccessConfigTest {

  @TempDir Path tmp;

  private static PghaDataSourceConfig.Builder etcd(String endpoint) {
    return PghaDataSourceConfig.builder().etcd(List.of(endpoint)).scope("pg");
  }

  @Test
  void credentialsAndTlsFilesReachTheSourceAndThePasswordIsNeverShown() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ca.crt"), "pem");
    Path cert = Files.writeString(tmp.resolve("c.crt"), "pem");
    Path key = Files.writeString(tmp.resolve("c.key"), "pem");
    PghaDataSourceConfig config =
        etcd("https://10.0.0.1:2379")
            .etcdCredentials("root", "etcd-secret")
            .etcdTls(ca, cert, key)
            .build();
    assertThat(config.etcdAccess().username()).isEqualTo("root");
    assertThat(config.etcdAccess().password()).isEqualTo("etcd-secret");
    assertThat(config.etcdAccess().caFile()).isEqualTo(ca);
    assertThat(config.etcdAccess().keyFile()).isEqualTo(key);
    assertThat(config.toBuilder().build().etcdAccess()).isEqualTo(config.etcdAccess());
    assertThat(config.toString()).contains("root").doesNotContain("etcd-secret");
    assertThat(config.etcdAccess().toString()).doesNotContain("etcd-secret");
  }

  @Test
  void eachRuleNamesTheKey() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ca.crt"), "pem");
    assertThatThrownBy(() -> etcd("http://10.0.0.1:2379").etcdCredentials("root", null).build())
        .hasMessageContaining("etcdCredentials (root) need both a username and a password");
    assertThatThrownBy(() -> etcd("http://10.0.0.1:2379").etcdCredentials(null, "s3").build())
        .hasMessageNotContaining("s3");
    assertThatThrownBy(() -> etcd("http://10.0.0.1:2379").etcdTls(ca, null, null).build())
        .hasMessageContaining("etcd (http://10.0.0.1:2379) must be https://host:port");
    assertThatThrownBy(() -> etcd("https://10.0.0.1:2379").etcdTls(null, ca, null).build())
        .hasMessageContaining("etcdTls (" + ca + ") needs both a client certificate and its key");
    Path missing = tmp.resolve("missing.crt");
    assertThatThrownBy(() -> etcd("https://10.0.0.1:2379").etcdTls(missing, null, null).build())
        .hasMessageContaining("etcdTls (" + missing + ") must be a readable file");
  }
}
