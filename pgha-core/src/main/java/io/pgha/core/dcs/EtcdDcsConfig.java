package io.pgha.core.dcs;

import io.pgha.core.config.EtcdSettings;
import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.RoleNames;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one member talks to etcd: endpoints, credentials, key layout, lease timing. The dcs package's
 * own view of {@link PghaConfig#etcd()}, made with {@link #of}; users configure etcd through {@link
 * PghaConfig}. Immutable; {@link Builder#build()} checks it again (it is also built by tests).
 *
 * <p>The password is never part of {@link #toString()}.
 */
final class EtcdDcsConfig {
  /** etcd grants no lease shorter than this. */
  public static final Duration MIN_TTL = Duration.ofSeconds(2);

  private final List<URI> endpoints;
  private final String namespace;
  private final String scope;
  private final String memberName;
  private final Duration ttl;
  private final Optional<Duration> safetyMargin;
  private final Optional<Duration> requestTimeout;
  private final Optional<String> user;
  private final Optional<String> password;
  private final Optional<Path> caFile;
  private final Optional<Path> certFile;
  private final Optional<Path> keyFile;
  private final RoleNames roleNames;

  private EtcdDcsConfig(Builder b) {
    endpoints = List.copyOf(b.endpoints);
    namespace = b.namespace;
    scope = b.scope;
    memberName = b.memberName;
    ttl = b.ttl;
    safetyMargin = Optional.ofNullable(b.safetyMargin);
    requestTimeout = Optional.ofNullable(b.requestTimeout);
    user = Optional.ofNullable(b.user);
    password = Optional.ofNullable(b.password);
    caFile = Optional.ofNullable(b.caFile);
    certFile = Optional.ofNullable(b.certFile);
    keyFile = Optional.ofNullable(b.keyFile);
    roleNames = b.roleNames;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The settings of {@code config}'s {@code etcd} section, for the client of {@code memberName}.
   */
  static EtcdDcsConfig of(PghaConfig config, String memberName) {
    EtcdSettings etcd = config.etcd();
    Builder b =
        builder()
            .endpoints(endpoints(etcd, memberName, config.timings().ttl()))
            .namespace(config.namespace())
            .scope(config.scope())
            .memberName(memberName)
            .ttl(config.timings().ttl())
            .roleNames(config.roleNames());
    etcd.credentials().ifPresent(c -> b.credentials(c.username(), c.passwordIfSet().orElse("")));
    if (etcd.caFile() != null) {
      b.caFile(etcd.caFile());
    }
    if (etcd.certFile() != null) {
      b.clientCertificate(etcd.certFile(), etcd.keyFile());
    }
    return b.build();
  }

  public List<URI> endpoints() {
    return endpoints;
  }

  /**
   * The section's endpoints, or with {@code srv} those its DNS records name (the listed endpoints
   * when they name none), as Patroni looks them up: when connecting.
   *
   * @throws IllegalArgumentException when neither gives any
   */
  private static List<String> endpoints(EtcdSettings etcd, String member, Duration ttl) {
    List<URI> found =
        etcd.srvIfSet()
            .map(srv -> EtcdSrvDiscovery.endpoints(srv, member, defaultRequestTimeout(ttl)))
            .filter(list -> !list.isEmpty())
            .orElse(etcd.endpoints());
    if (found.isEmpty()) {
      EtcdSettings.SrvDiscovery srv = etcd.srvIfSet().orElseThrow();
      throw new IllegalArgumentException(
          "etcd.srv ("
              + srv.domain()
              + ") found no etcd endpoint in the SRV records "
              + EtcdSrvDiscovery.recordNames(srv)
              + (srv.dnsServer() == null ? "" : " of " + srv.dnsServer())
              + ", and etcd.endpoints lists none to fall back on");
    }
    return found.stream().map(URI::toString).toList();
  }

  public String namespace() {
    return namespace;
  }

  public String scope() {
    return scope;
  }

  public String memberName() {
    return memberName;
  }

  /** The layout of this cluster's keys. */
  public DcsKeys keys() {
    return new DcsKeys(namespace, scope);
  }

  /** The name the primary's role goes by in this member's key. */
  public RoleNames roleNames() {
    return roleNames;
  }

  /** Lease time-to-live: Patroni's {@code ttl}. */
  public Duration ttl() {
    return ttl;
  }

  /**
   * How long before the earliest instant etcd could expire the lease this member stops counting on
   * it: time to stop accepting writes. Default: a quarter of the ttl.
   */
  public Duration safetyMargin() {
    return safetyMargin.orElse(ttl.dividedBy(4));
  }

  /**
   * The longest a single etcd request may take before it counts as failed. Default: half the ttl,
   * at most 5 s. It bounds how long a caller blocks; it never stretches the lease deadline.
   */
  public Duration requestTimeout() {
    return requestTimeout.orElse(defaultRequestTimeout(ttl));
  }

  private static Duration defaultRequestTimeout(Duration ttl) {
    Duration half = ttl.dividedBy(2);
    return half.compareTo(Duration.ofSeconds(5)) < 0 ? half : Duration.ofSeconds(5);
  }

  public Optional<String> user() {
    return user;
  }

  Optional<String> password() {
    return password;
  }

  public Optional<Path> caFile() {
    return caFile;
  }

  public Optional<Path> certFile() {
    return certFile;
  }

  public Optional<Path> keyFile() {
    return keyFile;
  }

  /** A copy with another ttl (the {@code config} key changed it). */
  public EtcdDcsConfig withTtl(Duration newTtl) {
    return toBuilder().ttl(newTtl).build();
  }

  Builder toBuilder() {
    Builder b =
        builder()
            .endpoints(endpoints.stream().map(URI::toString).toList())
            .namespace(namespace)
            .scope(scope)
            .memberName(memberName)
            .ttl(ttl)
            .roleNames(roleNames);
    requestTimeout.ifPresent(b::requestTimeout);
    safetyMargin.ifPresent(b::safetyMargin);
    user.ifPresent(u -> b.credentials(u, password.orElse("")));
    caFile.ifPresent(b::caFile);
    if (certFile.isPresent() && keyFile.isPresent()) {
      b.clientCertificate(certFile.get(), keyFile.get());
    }
    return b;
  }

  @Override
  public String toString() {
    return "EtcdDcsConfig{endpoints="
        + endpoints
        + ", namespace="
        + namespace
        + ", scope="
        + scope
        + ", member="
        + memberName
        + ", ttl="
        + ttl
        + ", safetyMargin="
        + safetyMargin()
        + ", requestTimeout="
        + requestTimeout()
        + ", user="
        + user.orElse("(none)")
        + ", password="
        + (password.isPresent() ? "****" : "(none)")
        + ", tls="
        + (caFile.isPresent() || certFile.isPresent())
        + "}";
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder {
    private final List<URI> endpoints = new ArrayList<>();
    private String namespace = DcsKeys.DEFAULT_NAMESPACE;
    private String scope;
    private String memberName;
    private Duration ttl = Duration.ofSeconds(30);
    private Duration safetyMargin;
    private Duration requestTimeout;
    private String user;
    private String password;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private RoleNames roleNames = RoleNames.PATRONI_4;

    private Builder() {}

    /** The name the primary's role goes by in the member key (default Patroni 4's). */
    public Builder roleNames(RoleNames v) {
      roleNames = java.util.Objects.requireNonNull(v, "roleNames");
      return this;
    }

    /** etcd client URLs, e.g. {@code http://10.0.0.1:2379}; {@code host:port} means http. */
    public Builder endpoints(List<String> urls) {
      endpoints.clear();
      for (String url : urls) {
        endpoint(url);
      }
      return this;
    }

    public Builder endpoint(String url) {
      Objects.requireNonNull(url, "endpoint");
      String u = url.trim();
      URI uri;
      try {
        uri = URI.create(u.contains("://") ? u : "http://" + u);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "etcd endpoint '" + url + "' is not a URL like http://host:2379", e);
      }
      if (uri.getHost() == null || uri.getPort() <= 0) {
        throw new IllegalArgumentException(
            "etcd endpoint '" + url + "' must name a host and a port, like http://host:2379");
      }
      endpoints.add(uri);
      return this;
    }

    public Builder namespace(String v) {
      namespace = v;
      return this;
    }

    public Builder scope(String v) {
      scope = v;
      return this;
    }

    public Builder memberName(String v) {
      memberName = v;
      return this;
    }

    public Builder ttl(Duration v) {
      ttl = v;
      return this;
    }

    public Builder safetyMargin(Duration v) {
      safetyMargin = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder credentials(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** CA certificate (PEM) that signed the etcd servers' certificates: turns TLS on. */
    public Builder caFile(Path v) {
      caFile = v;
      return this;
    }

    /** Client certificate and its private key (PEM, PKCS#8), for etcd's client-cert auth. */
    public Builder clientCertificate(Path cert, Path key) {
      certFile = cert;
      keyFile = key;
      return this;
    }

    public EtcdDcsConfig build() {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("etcd endpoints: at least one is required");
      }
      require(
          namespace != null, "namespace", namespace, "must be set (Patroni's default /service)");
      require(
          scope != null && !scope.isBlank() && !scope.contains("/"),
          "scope",
          scope,
          "must be non-blank and contain no '/'");
      require(
          memberName != null && !memberName.isBlank() && !memberName.contains("/"),
          "member name",
          memberName,
          "must be non-blank and contain no '/'");
      require(
          ttl != null && ttl.compareTo(MIN_TTL) >= 0 && ttl.toMillis() % 1000 == 0,
          "ttl",
          ttl,
          "must be whole seconds and at least " + MIN_TTL.toSeconds() + "s (etcd's minimum lease)");
      require(
          safetyMargin == null
              || (!safetyMargin.isNegative() && safetyMargin.compareTo(ttl.dividedBy(2)) <= 0),
          "safety margin",
          safetyMargin,
          "must be between 0 and half the ttl (" + ttl.dividedBy(2) + ")");
      require(
          requestTimeout == null
              || requestTimeout.toMillis() >= 50 && requestTimeout.compareTo(ttl) < 0,
          "request timeout",
          requestTimeout,
          "must be at least 50ms and less than the ttl (" + ttl + ")");
      require(
          (user == null) == (password == null),
          "credentials",
          user,
          "need both a user and a password");
      require(
          (certFile == null) == (keyFile == null), "client certificate", certFile, "needs a key");
      for (Path p : new Path[] {caFile, certFile, keyFile}) {
        require(p == null || Files.isReadable(p), "TLS file", p, "must be a readable file");
      }
      boolean tls = caFile != null || certFile != null;
      for (URI uri : endpoints) {
        String expected = tls ? "https" : "http";
        require(
            expected.equalsIgnoreCase(uri.getScheme()),
            "etcd endpoint",
            uri,
            "must use "
                + expected
                + " "
                + (tls ? "when TLS files are given" : "without TLS files"));
      }
      return new EtcdDcsConfig(this);
    }

    private static void require(boolean ok, String setting, Object value, String rule) {
      if (!ok) {
        throw new IllegalArgumentException(setting + " (" + value + ") " + rule);
      }
    }
  }
}
