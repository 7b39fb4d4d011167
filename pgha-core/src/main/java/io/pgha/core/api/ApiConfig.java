package io.pgha.core.api;

import io.pgha.core.config.ClientCertificates;
import io.pgha.core.config.Credentials;
import io.pgha.core.config.HostPort;
import io.pgha.core.config.RestApiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP API listens and whom it lets change things: the api package's own view of {@link
 * RestApiSettings}, made with {@link #of}; users configure the API through {@link
 * io.pgha.core.config.PghaConfig#restApi()}. {@link #builder()} (tests) checks it again; immutable.
 */
final class ApiConfig {
  /** Default listen address: loopback only, so nothing is exposed unless asked. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  public static final int DEFAULT_PORT = 8008;
  public static final int DEFAULT_THREADS = RestApiSettings.DEFAULT_THREADS;
  public static final int DEFAULT_QUEUE = RestApiSettings.DEFAULT_QUEUE;
  public static final int DEFAULT_MAX_BODY_BYTES = RestApiSettings.DEFAULT_MAX_BODY_BYTES;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = RestApiSettings.DEFAULT_REQUEST_TIMEOUT;
  public static final int DEFAULT_MAX_CONNECTIONS = RestApiSettings.DEFAULT_MAX_CONNECTIONS;

  /**
   * The server's TLS identity: a PKCS#12 key store, or PEM files.
   *
   * @param keyStore a PKCS#12 file holding the key and its certificate chain (or null)
   * @param keyStorePassword its password (null for none)
   * @param certFile a PEM certificate chain (or null)
   * @param keyFile the PEM PKCS#8 private key of {@code certFile} (or null)
   */
  record Tls(Path keyStore, char[] keyStorePassword, Path certFile, Path keyFile) {}

  private final String host;
  private final int port;
  private final Optional<String> username;
  private final Optional<String> password;
  private final List<String> allowlist;
  private final Optional<Tls> tls;
  private final ClientCertificates clientCertificates;
  private final Optional<Path> clientCaFile;
  private final int threads;
  private final int queue;
  private final int maxBodyBytes;
  private final Duration requestTimeout;
  private final Optional<Duration> switchoverWait;
  private final int maxConnections;
  private final List<String> cipherSuites;
  private final Map<String, String> extraHeaders;
  private final boolean allowlistIncludeMembers;

  private ApiConfig(Builder b) {
    host = b.host;
    port = b.port;
    username = Optional.ofNullable(b.username);
    password = Optional.ofNullable(b.password);
    allowlist = List.copyOf(b.allowlist);
    tls = Optional.ofNullable(b.tls);
    clientCertificates = b.clientCertificates;
    clientCaFile = Optional.ofNullable(b.clientCaFile);
    threads = b.threads;
    queue = b.queue;
    maxBodyBytes = b.maxBodyBytes;
    requestTimeout = b.requestTimeout;
    switchoverWait = Optional.ofNullable(b.switchoverWait);
    maxConnections = b.maxConnections;
    cipherSuites = List.copyOf(b.cipherSuites);
    extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraHeaders));
    allowlistIncludeMembers = b.allowlistIncludeMembers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The settings of a configuration's {@code restapi} section (checked when it was built). */
  static ApiConfig of(RestApiSettings s) {
    Builder b =
        builder()
            .listen(s.listen().host(), s.listen().port())
            .allowlist(s.allowlist())
            .clientCertificates(s.verifyClient(), s.caFile())
            .threads(s.threads())
            .queue(s.queue())
            .maxBodyBytes(s.maxBodyBytes())
            .requestTimeout(s.requestTimeout())
            .switchoverWait(s.switchoverWait())
            .maxConnections(s.maxConnections())
            .cipherSuites(s.cipherSuites())
            .extraHeaders(s.extraHeaders())
            .allowlistIncludeMembers(s.allowlistIncludeMembers());
    s.credentials().ifPresent(c -> b.authentication(c.username(), c.password()));
    if (s.keyStore() != null) {
      b.tlsPkcs12(
          s.keyStore(), s.keyStorePassword() == null ? null : s.keyStorePassword().toCharArray());
    } else if (s.certFile() != null) {
      b.tlsPem(s.certFile(), s.keyFile());
    }
    return b.build();
  }

  public String host() {
    return host;
  }

  /** The port to bind; 0 picks a free one (see {@link PghaApiServer#port()}). */
  public int port() {
    return port;
  }

  public Optional<String> username() {
    return username;
  }

  Optional<String> password() {
    return password;
  }

  /**
   * The user name and password unsafe methods require, when both are set: what this member sends
   * when it calls its peers' APIs (Patroni too expects every member to share them).
   */
  public Optional<Credentials> credentials() {
    return username.flatMap(u -> password.map(p -> new Credentials(u, p)));
  }

  /** Addresses, CIDR ranges or host names allowed to use unsafe methods; empty allows all. */
  public List<String> allowlist() {
    return allowlist;
  }

  public boolean tlsEnabled() {
    return tls.isPresent();
  }

  Optional<Tls> tls() {
    return tls;
  }

  public ClientCertificates clientCertificates() {
    return clientCertificates;
  }

  public Optional<Path> clientCaFile() {
    return clientCaFile;
  }

  public int threads() {
    return threads;
  }

  public int queue() {
    return queue;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long {@code POST /switchover} waits for the new leader; empty means Patroni's {@code 2 *
   * max(10 s, loop_wait)}.
   */
  public Optional<Duration> switchoverWait() {
    return switchoverWait;
  }

  /** The most connections open at once. */
  public int maxConnections() {
    return maxConnections;
  }

  /** The JSSE cipher suites a TLS client may use; empty for the JVM's defaults. */
  List<String> cipherSuites() {
    return cipherSuites;
  }

  /** Headers added to every answer ({@code restapi.http_extra_headers} and https's). */
  Map<String, String> extraHeaders() {
    return extraHeaders;
  }

  /** Whether the members' API hosts are allowed beside {@link #allowlist()}. */
  boolean allowlistIncludeMembers() {
    return allowlistIncludeMembers;
  }

  /**
   * Whether anyone who reaches the API over the network may use unsafe methods: it listens beyond
   * loopback with neither Basic authentication nor required client certificates.
   */
  boolean openToNetwork() {
    return !HostPort.isLoopback(host)
        && username.isEmpty()
        && clientCertificates != ClientCertificates.REQUIRED;
  }

  @Override
  public String toString() {
    return "ApiConfig{listen="
        + host
        + ":"
        + port
        + ", authentication="
        + username.map(u -> u + ":****").orElse("none")
        + ", allowlist="
        + allowlist
        + ", tls="
        + tls.map(t -> t.keyStore() != null ? "pkcs12 " + t.keyStore() : "pem " + t.certFile())
            .orElse("off")
        + ", clientCertificates="
        + clientCertificates
        + ", threads="
        + threads
        + ", queue="
        + queue
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", requestTimeout="
        + requestTimeout
        + ", maxConnections="
        + maxConnections
        + ", cipherSuites="
        + (cipherSuites.isEmpty() ? "default" : cipherSuites)
        + ", extraHeaders="
        + extraHeaders.keySet()
        + ", allowlistIncludeMembers="
        + allowlistIncludeMembers
        + "}";
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String username;
    private String password;
    private final List<String> allowlist = new ArrayList<>();
    private Tls tls;
    private ClientCertificates clientCertificates = ClientCertificates.NONE;
    private Path clientCaFile;
    private int threads = DEFAULT_THREADS;
    private int queue = DEFAULT_QUEUE;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration switchoverWait;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private List<String> cipherSuites = List.of();
    private Map<String, String> extraHeaders = Map.of();
    private boolean allowlistIncludeMembers;

    private Builder() {}

    /** The JSSE cipher suites TLS clients may use (TLS 1.3's stay unless some are named). */
    public Builder cipherSuites(List<String> v) {
      cipherSuites = List.copyOf(v);
      return this;
    }

    /** Headers added to every answer. */
    public Builder extraHeaders(Map<String, String> v) {
      extraHeaders = new LinkedHashMap<>(v);
      return this;
    }

    /** Allow the hosts of the members' {@code api_url} too, as the members change. */
    public Builder allowlistIncludeMembers(boolean v) {
      allowlistIncludeMembers = v;
      return this;
    }

    /** Address and port to listen on ({@code 0.0.0.0} for all; port 0 for a free one). */
    public Builder listen(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    /**
     * Basic authentication required for unsafe methods (Patroni's {@code restapi.authentication}).
     */
    public Builder authentication(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    /** Clients allowed to use unsafe methods: IP addresses, CIDR ranges or host names. */
    public Builder allowlist(List<String> entries) {
      allowlist.clear();
      allowlist.addAll(entries);
      return this;
    }

    /** Serve HTTPS with the key and certificate chain of a PKCS#12 key store. */
    public Builder tlsPkcs12(Path keyStore, char[] password) {
      tls = new Tls(keyStore, password == null ? null : password.clone(), null, null);
      return this;
    }

    /** Serve HTTPS with a PEM certificate chain and its unencrypted PKCS#8 PEM private key. */
    public Builder tlsPem(Path certFile, Path keyFile) {
      tls = new Tls(null, null, certFile, keyFile);
      return this;
    }

    /** Verify client certificates against the PEM CA certificates in {@code caFile}. */
    public Builder clientCertificates(ClientCertificates mode, Path caFile) {
      clientCertificates = mode;
      clientCaFile = caFile;
      return this;
    }

    /** Worker threads (and so concurrent requests); default 4. */
    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /** Requests that may wait for a worker; more are refused by closing the connection. */
    public Builder queue(int v) {
      queue = v;
      return this;
    }

    /** Largest request body accepted; larger ones get 413. Default 64 KiB. */
    public Builder maxBodyBytes(int v) {
      maxBodyBytes = v;
      return this;
    }

    /**
     * Longest time to deliver a complete request (headers and body), from the connection's start or
     * its previous answer; a slower client is disconnected. This server's own, not the JVM's.
     */
    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    /** How long {@code POST /switchover} waits for the new leader before answering 503. */
    public Builder switchoverWait(Duration v) {
      switchoverWait = v;
      return this;
    }

    /** Connections open at once; at the bound the quietest waiting one is closed. Default 1024. */
    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    public ApiConfig build() {
      require(host != null && !host.isBlank(), "restapi listen host", host, "must be set");
      require(port >= 0 && port <= 65535, "restapi listen port", port, "must be 0..65535");
      require(
          (username == null) == (password == null),
          "restapi authentication",
          username,
          "needs both a username and a password");
      require(
          username == null || (!username.isEmpty() && !username.contains(":")),
          "restapi authentication username",
          username,
          "must be non-empty and contain no ':'");
      for (String entry : allowlist) {
        require(
            entry != null && !entry.isBlank(),
            "restapi allowlist entry",
            entry,
            "must be an address, a CIDR range or a host name");
      }
      if (tls != null) {
        if (tls.keyStore() != null) {
          requireReadable("restapi keystore", tls.keyStore());
        } else {
          require(
              tls.certFile() != null && tls.keyFile() != null,
              "restapi certfile/keyfile",
              tls.certFile(),
              "both are needed for TLS");
          requireReadable("restapi certfile", tls.certFile());
          requireReadable("restapi keyfile", tls.keyFile());
        }
      }
      Objects.requireNonNull(clientCertificates, "clientCertificates");
      if (clientCertificates != ClientCertificates.NONE) {
        require(tls != null, "restapi verify_client", clientCertificates, "needs TLS");
        require(
            clientCaFile != null,
            "restapi cafile",
            null,
            "is needed to verify client certificates");
        requireReadable("restapi cafile", clientCaFile);
      }
      require(
          maxConnections >= 16 && maxConnections <= 10_000,
          "restapi max connections",
          maxConnections,
          "must be 16..10000");
      require(threads >= 1 && threads <= 256, "restapi threads", threads, "must be 1..256");
      require(queue >= 0 && queue <= 10_000, "restapi queue", queue, "must be 0..10000");
      require(
          maxBodyBytes >= 1024 && maxBodyBytes <= 16 * 1024 * 1024,
          "restapi max body size",
          maxBodyBytes,
          "must be between 1 KiB and 16 MiB");
      require(
          requestTimeout != null && requestTimeout.toSeconds() >= 1,
          "restapi request timeout",
          requestTimeout,
          "must be at least 1 second");
      require(
          switchoverWait == null || !switchoverWait.isNegative(),
          "restapi switchover wait",
          switchoverWait,
          "must not be negative");
      return new ApiConfig(this);
    }

    private static void requireReadable(String setting, Path p) {
      require(p != null && Files.isReadable(p), setting, p, "must be a readable file");
    }

    private static void require(boolean ok, String setting, Object value, String rule) {
      if (!ok) {
        throw new IllegalArgumentException(setting + " (" + value + ") " + rule);
      }
    }
  }
}
