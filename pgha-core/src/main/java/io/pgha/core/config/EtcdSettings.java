package io.pgha.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to reach etcd (Patroni's {@code etcd3} section). Set through {@link PghaConfig.Builder}'s
 * {@code etcd*} methods; checked with the rest of the configuration.
 *
 * @param endpoints client URLs ({@code http://host:port} or {@code https://host:port}), at least
 *     one
 * @param username null without authentication
 * @param password null without authentication; masked in {@link #toString()}
 * @param caFile PEM file of the CA that signed etcd's certificate; set with https endpoints
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

  /**
   * The keys of the {@code etcd} section, reached through {@link PghaConfig.Builder#etcd}. Nothing
   * is checked until {@link PghaConfig.Builder#build()}.
   */
  public static final class Builder {
    private List<String> endpoints = List.of();
    private String username;
    private String password;
    private Path caFile;
    private Path certFile;
    private Path keyFile;

    Builder() {}

    /** {@code etcd.endpoints}: client URLs, {@code http://host:port} or {@code https://...}. */
    public Builder endpoints(List<String> urls) {
      this.endpoints = List.copyOf(urls);
      return this;
    }

    /** {@code etcd.username} and {@code etcd.password}; both or neither. */
    public Builder credentials(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    /** {@code etcd.cacert}: the CA that signed etcd's certificates (PEM); https endpoints only. */
    public Builder caFile(Path file) {
      this.caFile = file;
      return this;
    }

    /** {@code etcd.cert} and {@code etcd.key}: a client certificate and its key (PEM, PKCS#8). */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      this.certFile = certFile;
      this.keyFile = keyFile;
      return this;
    }

    /** Checks every key into {@code checks}; the result is only used when there is no problem. */
    EtcdSettings build(ConfigChecks checks) {
      List<URI> uris = checks.etcdEndpoints(endpoints);
      checks.pair("etcd.username", username, "etcd.password", password != null);
      checks.readableFileIfSet("etcd.cacert", caFile);
      checks.pair("etcd.cert", certFile, "etcd.key", keyFile != null);
      checks.readableFileIfSet("etcd.cert", certFile);
      checks.readableFileIfSet("etcd.key", keyFile);
      checks.etcdScheme(uris, caFile != null || certFile != null);
      return new EtcdSettings(uris, username, password, caFile, certFile, keyFile);
    }
  }
}
