package io.pgha.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach etcd (Patroni's {@code etcd3} section). Set through {@link PghaConfig.Builder}'s
 * {@code etcd*} methods; checked with the rest of the configuration.
 *
 * @param endpoints client URLs ({@code http://host:port} or {@code https://host:port}); at least
 *     one unless {@code srv} is set, when they are used if the SRV records name none
 * @param username null without authentication
 * @param password null without authentication; masked in {@link #toString()}
 * @param caFile PEM file of the CA that signed etcd's certificate; set with https endpoints
 * @param certFile PEM client certificate; null without client authentication
 * @param keyFile PEM private key of {@code certFile}; null without client authentication
 * @param srv where to discover the endpoints in DNS SRV records ({@code etcd.srv}); null for none
 */
public record EtcdSettings(
    List<URI> endpoints,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile,
    SrvDiscovery srv) {

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * Patroni's {@code etcd3.srv}: the endpoints are the targets of the first of these SRV record
   * sets that has any, in this order: {@code _etcd-client-ssl._tcp.<domain>} (https), {@code
   * _etcd-client._tcp.<domain>} (http), {@code _etcd-ssl._tcp}, {@code _etcd._tcp}, then {@code
   * _etcd-server-ssl._tcp} and {@code _etcd-server._tcp}, whose targets are etcd's peer ports,
   * asked for the members' client URLs. With a suffix, {@code _etcd-client-<suffix>._tcp.<domain>}
   * and so on. They are looked up when the member connects.
   *
   * @param domain the domain the records are under
   * @param suffix Patroni's {@code srv_suffix}; null for none
   * @param dnsServer the DNS server asked, {@code dns://host:port}; null for the system's
   */
  public record SrvDiscovery(String domain, String suffix, URI dnsServer) {}

  /** The SRV discovery, when configured. */
  public Optional<SrvDiscovery> srvIfSet() {
    return Optional.ofNullable(srv);
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
        + (srv == null ? "" : ", srv=" + srv)
        + "]";
  }

  /**
   * The keys of the {@code etcd} section, reached through {@link PghaConfig.Builder#etcd}. Nothing
   * is checked until {@link PghaConfig.Builder#build()}.
   */
  public static final class Builder {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final Pattern DOMAIN =
        Pattern.compile(
            "([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9])?\\.)*[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9])?\\.?");
    private List<String> endpoints = List.of();
    private String username;
    private String password;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private String srvDomain;
    private String srvSuffix;
    private String dnsServer;

    Builder() {}

    /**
     * {@code etcd.srv} and {@code srv_suffix} (Patroni's {@code etcd3.srv}): discover the endpoints
     * in DNS SRV records under {@code domain} when the member connects (see {@link SrvDiscovery});
     * {@link #endpoints} then only serve when the records name none. {@code suffix} may be null.
     */
    public Builder srv(String domain, String suffix) {
      this.srvDomain = domain;
      this.srvSuffix = suffix;
      return this;
    }

    /**
     * The DNS server {@link #srv} asks, {@code dns://host:port} (e.g. Consul's DNS on port 8600);
     * default the system's resolvers. Used for that lookup only.
     */
    public Builder dnsServer(String url) {
      this.dnsServer = url;
      return this;
    }

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
      SrvDiscovery discovery = srv(checks);
      List<URI> uris =
          discovery != null && endpoints.isEmpty() ? List.of() : checks.etcdEndpoints(endpoints);
      checks.pair("etcd.username", username, "etcd.password", password != null);
      checks.readableFileIfSet("etcd.cacert", caFile);
      checks.pair("etcd.cert", certFile, "etcd.key", keyFile != null);
      checks.readableFileIfSet("etcd.cert", certFile);
      checks.readableFileIfSet("etcd.key", keyFile);
      checks.etcdScheme(uris, caFile != null || certFile != null);
      return new EtcdSettings(uris, username, password, caFile, certFile, keyFile, discovery);
    }

    private SrvDiscovery srv(ConfigChecks checks) {
      if (srvDomain == null) {
        if (dnsServer != null) {
          checks.problem("etcd.dns_server (" + dnsServer + ") is only used with etcd.srv");
        }
        return null;
      }
      if (!DOMAIN.matcher(srvDomain).matches()) {
        checks.problem("etcd.srv (" + srvDomain + ") must be a domain name such as example.com");
      }
      if (srvSuffix != null && !LABEL.matcher(srvSuffix).matches()) {
        checks.problem(
            "etcd.srv_suffix ("
                + srvSuffix
                + ") must be letters, digits and '-' (it becomes part of _etcd-client-<suffix>)");
      }
      URI server = null;
      if (dnsServer != null) {
        try {
          server = new URI(dnsServer);
        } catch (URISyntaxException e) {
          server = null;
        }
        if (server == null
            || !"dns".equals(server.getScheme())
            || server.getHost() == null
            || (server.getPath() != null && !server.getPath().isEmpty())) {
          checks.problem(
              "etcd.dns_server (" + dnsServer + ") must be a URL dns://host or dns://host:port");
          server = null;
        }
      }
      return new SrvDiscovery(srvDomain, srvSuffix, server);
    }
  }
}
