package io.pgha.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to reach etcd.
 *
 * @param endpoints client URLs ({@code http://host:port} or {@code https://host:port}), at least
 *     one
 * @param username null without authentication
 * @param password null without authentication; masked in {@link #toString()}
 * @param caFile PEM file of the CA that signed etcd's certificate; null for the system trust store
 * @param certFile PEM client certificate; null without client authentication
 * @param keyFile PEM private key of {@code certFile}; null without client authentication
 */
public record EtcdSettings(
    List<URI> endpoints,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile) {

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
  }

  /** The credentials, when etcd authentication is configured. */
  public Optional<Credentials> credentials() {
    return username == null ? Optional.empty() : Optional.of(new Credentials(username, password));
  }

  /** True when any endpoint uses TLS. */
  public boolean usesTls() {
    return endpoints.stream().anyMatch(uri -> "https".equals(uri.getScheme()));
  }

  @Override
  public String toString() {
    return "EtcdSettings[endpoints="
        + endpoints
        + ", username="
        + username
        + ", password="
        + Masking.mask(password)
        + ", caFile="
        + caFile
        + ", certFile="
        + certFile
        + ", keyFile="
        + keyFile
        + "]";
  }
}
