package io.pgha.jdbc.topology;

import java.nio.file.Path;
import java.util.List;

/**
 * How the etcd topology source reaches etcd: endpoints, and the credentials and TLS files of
 * Patroni's {@code etcd3} section ({@code username}, {@code password}, {@code cacert}, {@code
 * cert}, {@code key}), which the agent uses too. {@link #toString()} masks the password.
 *
 * @param endpoints client URLs, {@code http://host:port} or {@code https://host:port}
 * @param username null without etcd authentication
 * @param password null without etcd authentication; never logged
 * @param caFile PEM file of the CA that signed etcd's certificate; null for the JVM's trust store
 * @param certFile PEM client certificate; null without client-certificate authentication
 * @param keyFile PEM (PKCS#8) key of {@code certFile}
 */
public record EtcdAccess(
    List<String> endpoints,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile) {

  /** Copies the endpoints; the builder of {@code PghaDataSourceConfig} checks the values. */
  public EtcdAccess {
    endpoints = List.copyOf(endpoints);
  }

  /** Plain endpoints: no authentication, no client certificate, the JVM's trust store. */
  public static EtcdAccess of(List<String> endpoints) {
    return new EtcdAccess(endpoints, null, null, null, null, null);
  }

  /** Whether a CA or a client certificate is set. */
  public boolean usesTlsFiles() {
    return caFile != null || certFile != null;
  }

  @Override
  public String toString() {
    return "EtcdAccess[endpoints="
        + endpoints
        + ", username="
        + username
        + ", password="
        + (password == null ? "<none>" : "****")
        + ", caFile="
        + caFile
        + ", certFile="
        + certFile
        + ", keyFile="
        + keyFile
        + "]";
  }
}
